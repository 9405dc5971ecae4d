namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>Where a case starts: right after the protocol header, or on an open connection with channel 1 open.</summary>
internal enum FuzzStage
{
    BeforeLogin,
    ChannelOpen,
}

/// <summary>One fuzz case: the bytes sent once the connection reaches <paramref name="Stage"/>, and what made them.</summary>
/// <param name="Index">The case's number in its run; with the seed it reproduces the case.</param>
/// <param name="Stage">How far the connection is taken before the bytes are sent.</param>
/// <param name="Kind">The generator that made the case.</param>
/// <param name="Bytes">Frames, whole or not, exactly as sent.</param>
internal sealed record FuzzCase(int Index, FuzzStage Stage, string Kind, byte[] Bytes)
{
    public override string ToString() => $"#{Index} {Kind} ({Stage}, {Bytes.Length} bytes)";
}
