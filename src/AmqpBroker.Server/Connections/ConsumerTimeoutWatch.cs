using System.Collections.Concurrent;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Server.Channels;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// A connection's delivery acknowledgement timeouts (<see cref="ConsumerTimeout"/>). The scheduler's tick looks
/// at each channel's oldest unacked delivery once a second (RabbitMQ looks on its 60 s channel tick, so it closes
/// up to a minute late); what expired is queued for the read loop, which owns the channels and acts on it.
/// </summary>
internal sealed class ConsumerTimeoutWatch
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConsumerTimeout _timeout;
    private readonly Func<UnackedDelivery, bool> _watches;
    private readonly ILogger _logger;
    private readonly Func<string> _connection;
    private readonly ConcurrentQueue<TimedOut> _expired = new();
    private DateTimeOffset _nextCheck;

    public ConsumerTimeoutWatch(Broker broker, ILogger logger, Func<string> connection)
    {
        _timeout = new ConsumerTimeout(broker.Settings.ConsumerTimeout, broker.Settings.Profile, broker.Time);
        _watches = _timeout.Watches;
        _logger = logger;
        _connection = connection;
    }

    /// <summary>Whether the client announced <c>consumer_cancel_notify</c>, so that a consumer can be cancelled instead.</summary>
    public bool ClientTakesCancel { get; set; }

    /// <summary>On the tick: true when something expired and the read loop should be woken.</summary>
    public bool Check(DateTimeOffset now, ChannelTable channels)
    {
        if (now < _nextCheck)
        {
            return false;
        }

        _nextCheck = now + Interval;
        var found = false;
        foreach (var channel in channels.ToArray())
        {
            if (channel.Session.OldestUnacked(_watches) is { } oldest && _timeout.Expired(oldest) is { } timeout && channel.TryMarkTimedOut())
            {
                _expired.Enqueue(new TimedOut(channel, timeout, oldest.Consumer));
                found = true;
            }
        }

        return found;
    }

    /// <summary>On the read loop: closes each timed-out channel with 406, or (4.3, quorum) cancels the consumer.</summary>
    public void Apply(ChannelTable channels)
    {
        while (_expired.TryDequeue(out var expired))
        {
            // The channel may have been closed (and its number reused) since the tick saw it.
            var channel = expired.Channel;
            if (channel.IsClosing || !ReferenceEquals(channels.Find(channel.Number), channel))
            {
                continue;
            }

            ConnectionLog.ConsumerTimedOut(_logger, _connection(), channel.Number, expired.Timeout);
            if (_timeout.CancelsConsumer && expired.Consumer is { } consumer && ClientTakesCancel)
            {
                channel.Session.CancelTimedOut(consumer);
                channel.ClearTimedOut();
                continue;
            }

            var value = _timeout.CancelsConsumer ? ConsumerTimeout.UnknownTimeout : expired.Timeout;
            channel.Close(AmqpException.PreconditionFailed(ConsumerTimeout.CloseText(channel.Number, value)), 0, 0);
        }
    }

    private readonly record struct TimedOut(AmqpChannel Channel, long Timeout, Consumer? Consumer);
}
