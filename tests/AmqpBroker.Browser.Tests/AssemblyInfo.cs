// One Chromium and one broker per fixture; fixtures run one at a time on the two cores CI has.
[assembly: NUnit.Framework.Parallelizable(NUnit.Framework.ParallelScope.None)]
