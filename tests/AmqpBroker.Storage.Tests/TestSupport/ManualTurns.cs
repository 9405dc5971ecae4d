using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>A stream writer whose turns the test takes: a chunk ends exactly where it calls <see cref="Take"/>.</summary>
internal sealed class ManualTurns : IStreamWriterTurns
{
    public long Taken { get; private set; }

    public int Requests { get; private set; }

    public void Request() => Requests++;

    public void Take() => Taken++;
}
