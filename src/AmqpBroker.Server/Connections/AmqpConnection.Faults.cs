using System.Collections.Concurrent;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The faults a test can make this connection show (<see cref="BrokerFaults"/>). Closes run on the read loop,
/// which owns connection and channel state: they are queued and the loop woken, as <see cref="ForceClose"/> is.
/// </summary>
internal sealed partial class AmqpConnection : IConnectionFaults
{
    /// <summary>The reason logged when a test fault drops the socket.</summary>
    public const string DroppedReason = "socket dropped by a test fault";

    private readonly ConcurrentQueue<Action> _injectedFaults = new();
    private StallGate? _readStall;

    void IConnectionFaults.Close(ReplyCode code, string text)
    {
        var replyText = new AmqpException(code, text).ReplyText;
        RunOnReadLoop(() => CloseConnection(code, replyText, 0, 0));
    }

    bool IConnectionFaults.CloseChannel(ushort channel, ReplyCode code, string text)
    {
        if (!_channels.Snapshot().Any(c => c.Session.ChannelNumber == channel))
        {
            return false;
        }

        var error = new AmqpException(code, text);
        RunOnReadLoop(() => _channels.Find(channel)?.Close(error, 0, 0));
        return true;
    }

    void IConnectionFaults.Drop() => Abort(DroppedReason);

    void IConnectionFaults.Stall(TimeSpan duration, StallDirection direction)
    {
        if ((direction & StallDirection.Reading) != 0)
        {
            ReadStall().StallFor(duration);
        }

        if ((direction & StallDirection.Writing) != 0)
        {
            _writer.Stall(duration);
        }
    }

    void IConnectionFaults.DelayDeliveries(TimeSpan delay) => _writer.DelayDeliveries(delay);

    /// <summary>The read loop's gate, made by the first read stall; it opens for good when the socket closes.</summary>
    private StallGate ReadStall()
    {
        if (_readStall is null)
        {
            var gate = new StallGate(_broker.Time);
            _transport.ConnectionClosed.Register(gate.OpenForGood);
            _readStall = gate;
        }

        return _readStall;
    }

    private void RunOnReadLoop(Action fault)
    {
        _injectedFaults.Enqueue(fault);
        _transport.Transport.Input.CancelPendingRead();
    }

    /// <summary>On the read loop, woken by <see cref="RunOnReadLoop"/>: runs what was queued; false when nothing was.</summary>
    private bool RunInjectedFaults()
    {
        var ran = false;
        while (_injectedFaults.TryDequeue(out var fault))
        {
            fault();
            ran = true;
        }

        return ran;
    }

    /// <summary>A read stall holds the read loop before its next read; the bytes wait in the socket meanwhile.</summary>
    private Task WaitOutReadStallAsync() => _readStall is { IsStalled: true } stall ? stall.WaitAsync() : Task.CompletedTask;
}
