// Fixtures run side by side, each on a broker of its own (or on virtual hosts of their own).
[assembly: Parallelizable(ParallelScope.Fixtures)]
