using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Testing.Faults;

/// <summary>Which way a stalled connection stops moving bytes.</summary>
[Flags]
public enum StallDirection
{
    /// <summary>The broker stops reading what the client sends (its heartbeats too).</summary>
    Reading = 1,

    /// <summary>The broker stops writing to the client (deliveries, replies and heartbeats wait).</summary>
    Writing = 2,

    /// <summary>A network that has gone quiet both ways.</summary>
    Both = Reading | Writing,
}

/// <summary>
/// The faults one open connection can be made to show, implemented by the server that owns the connection's
/// socket and read loop. Every method is safe from any thread; the work happens on the connection's own loops.
/// </summary>
public interface IConnectionFaults
{
    /// <summary>Sends connection.close with this reply code and text, as the broker would on a hard error.</summary>
    void Close(ReplyCode code, string text);

    /// <summary>Sends channel.close with this reply code and text on the channel; false when the channel is not open.</summary>
    bool CloseChannel(ushort channel, ReplyCode code, string text);

    /// <summary>Drops the TCP connection without any close handshake, as a broker crash or a cut cable does.</summary>
    void Drop();

    /// <summary>Stops reading from and/or writing to the socket for <paramref name="duration"/> (by the broker's clock).</summary>
    void Stall(TimeSpan duration, StallDirection direction);

    /// <summary>Holds every basic.deliver to this connection back by <paramref name="delay"/>; <see cref="TimeSpan.Zero"/> ends it.</summary>
    void DelayDeliveries(TimeSpan delay);
}
