using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Testing.Faults;

/// <summary>
/// Faults on demand, for tests of how clients cope: connections and channels closed with a chosen reply code,
/// sockets dropped, stalled networks, publishes nacked, declares refused, resource alarms, consumers cancelled
/// by the broker and slow deliveries. Each is scoped by a <see cref="FaultScope"/>. Faults on connections act
/// on the connections open now; counted faults (<see cref="NackPublishes"/>, <see cref="RefuseDeclares"/>) wait
/// for the operations they name. While none is armed the broker's paths pay one volatile read.
/// </summary>
public sealed class BrokerFaults
{
    private readonly Broker _broker;
    private readonly CountedFaults _counted = new();

    internal BrokerFaults(Broker broker)
    {
        _broker = broker;
    }

    /// <summary>The source alarms raised here are raised for: clearing them leaves alarms a monitor raised alone.</summary>
    public const string AlarmSource = "test fault";

    /// <summary>The default reply text of a fault that closes something.</summary>
    public const string DefaultCloseText = "closed by a test fault";

    /// <summary>Whether a counted fault waits; the broker's publish and declare paths read it before anything else.</summary>
    public bool IsArmed => _counted.IsArmed;

    /// <summary>Closes the connections in scope with connection.close; returns how many.</summary>
    public int CloseConnections(FaultScope scope, ReplyCode code = ReplyCode.ConnectionForced, string text = DefaultCloseText)
    {
        if (!ReplyCodes.IsHardError(code))
        {
            throw new ArgumentException($"{code} is a channel error; connection.close takes a connection error (320, 501-506, 530, 540, 541)", nameof(code));
        }

        return ForEach(scope, c => c.Close(code, text));
    }

    /// <summary>Closes channel <see cref="FaultScope.Channel"/> of the connections in scope with channel.close; returns how many were open.</summary>
    public int CloseChannels(FaultScope scope, ReplyCode code = ReplyCode.PreconditionFailed, string text = DefaultCloseText)
    {
        if (scope.Channel is not { } channel)
        {
            throw new ArgumentException("the scope names no channel", nameof(scope));
        }

        if (ReplyCodes.IsHardError(code))
        {
            throw new ArgumentException($"{code} is a connection error; channel.close takes a channel error (311-313, 403-406)", nameof(code));
        }

        var closed = 0;
        ForEach(scope, c => closed += c.CloseChannel(channel, code, text) ? 1 : 0);
        return closed;
    }

    /// <summary>Drops the TCP connection of the connections in scope without a close handshake; returns how many.</summary>
    public int DropConnections(FaultScope scope) => ForEach(scope, c => c.Drop());

    /// <summary>Stops the broker reading from and/or writing to the connections in scope for a while; returns how many.</summary>
    public int StallConnections(FaultScope scope, TimeSpan duration, StallDirection direction = StallDirection.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return ForEach(scope, c => c.Stall(duration, direction));
    }

    /// <summary>Holds every delivery to the connections in scope back by <paramref name="delay"/> (zero ends it); returns how many.</summary>
    public int DelayDeliveries(FaultScope scope, TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return ForEach(scope, c => c.DelayDeliveries(delay));
    }

    /// <summary>
    /// The next <paramref name="count"/> publishes in scope are refused by the queues they reach (not enqueued),
    /// and a confirm-mode publisher gets basic.nack for each, as with a queue's x-overflow reject-publish. A
    /// scope with a <see cref="FaultScope.Queue"/> counts publishes routed to that queue.
    /// </summary>
    public void NackPublishes(FaultScope scope, int count = 1) =>
        _counted.Arm(new CountedFault(CountedFaultKind.NackPublish, scope, count));

    /// <summary>
    /// The next <paramref name="count"/> queue.declare or exchange.declare in scope fail with this reply code and
    /// text (a channel error closes the channel, a connection error the connection). A scope with a
    /// <see cref="FaultScope.Queue"/> counts declares of that queue only.
    /// </summary>
    public void RefuseDeclares(FaultScope scope, ReplyCode code = ReplyCode.ResourceError, string text = "declare refused by a test fault", int count = 1) =>
        _counted.Arm(new CountedFault(CountedFaultKind.RefuseDeclare, scope, count, code, text));

    /// <summary>Raises a resource alarm: memory and disk block publishing connections (connection.blocked). False when it was raised already.</summary>
    public bool RaiseAlarm(AlarmResource resource) => _broker.Alarm.Raise(resource, AlarmSource);

    /// <summary>
    /// Clears a resource alarm raised by <see cref="RaiseAlarm"/> (connection.unblocked once none blocks publishers);
    /// one a monitor raised too stays. False when it did not clear.
    /// </summary>
    public bool ClearAlarm(AlarmResource resource) => _broker.Alarm.Clear(resource, AlarmSource);

    /// <summary>
    /// Cancels every consumer of the queue from the broker's side: each gets basic.cancel (RabbitMQ's consumer
    /// cancel notification, as when a queue fails over), while the queue and its messages stay. Returns how many.
    /// </summary>
    public int CancelConsumers(string queue, string virtualHost = "/")
    {
        var found = _broker.FindVirtualHost(virtualHost)?.FindQueue(queue)
            ?? throw new ArgumentException($"no queue '{queue}' in vhost '{virtualHost}'", nameof(queue));
        return found.CancelConsumersFromBroker();
    }

    /// <summary>Disarms the counted faults, clears the alarms raised here and ends delivery delays. Stalls run out on their own.</summary>
    public void Clear()
    {
        _counted.Clear();
        foreach (var resource in AlarmResources.All)
        {
            ClearAlarm(resource);
        }

        DelayDeliveries(FaultScope.Everywhere, TimeSpan.Zero);
    }

    /// <summary>
    /// The publish pipeline's check, once per publish (<paramref name="queue"/> null: faults not scoped to a
    /// queue) and, when that did not hit, once per queue reached. True when the publish is to be refused.
    /// </summary>
    internal bool TakePublishNack(string virtualHost, ClientConnection? connection, ushort channel, string? queue) =>
        _counted.Take(CountedFaultKind.NackPublish, s => s.Queue == queue && s.Matches(virtualHost, connection, channel)) is not null;

    /// <summary>A channel's check before queue.declare (with the queue's name) and exchange.declare (null): throws when a fault refuses it.</summary>
    public void CheckDeclare(string virtualHost, ClientConnection connection, ushort channel, string? queue)
    {
        if (_counted.Take(CountedFaultKind.RefuseDeclare, s => (s.Queue is null || s.Queue == queue) && s.Matches(virtualHost, connection, channel)) is { } fault)
        {
            throw new AmqpException(fault.Code, fault.Text);
        }
    }

    private int ForEach(FaultScope scope, Action<IConnectionFaults> act)
    {
        var count = 0;
        foreach (var connection in _broker.Connections)
        {
            if (connection.Faults is { } faults && scope.Matches(connection))
            {
                act(faults);
                count++;
            }
        }

        return count;
    }
}
