using AmqpBroker.Core.Statistics;
using AmqpBroker.Server.Channels;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// A connection's open channels by number. The read loop adds, finds and removes; the writer loop reads
/// a snapshot to resume deliveries, hence the lock. The last channel used is cached, since most traffic
/// on a connection goes to one channel. Channels opened and closed count into the broker's churn.
/// </summary>
internal sealed class ChannelTable(ChurnCounters churn)
{
    private readonly Dictionary<ushort, AmqpChannel> _channels = [];
    private AmqpChannel? _last;

    public int Count
    {
        get
        {
            lock (_channels)
            {
                return _channels.Count;
            }
        }
    }

    public AmqpChannel? Find(ushort number)
    {
        var last = _last;
        if (last is not null && last.Number == number)
        {
            return last;
        }

        lock (_channels)
        {
            return _last = _channels.GetValueOrDefault(number);
        }
    }

    public void Add(AmqpChannel channel)
    {
        lock (_channels)
        {
            _channels.Add(channel.Number, channel);
        }

        churn.OnChannelOpened();
    }

    public void Remove(ushort number)
    {
        bool removed;
        lock (_channels)
        {
            removed = _channels.Remove(number);
            _last = null;
        }

        if (removed)
        {
            churn.OnChannelsClosed(1);
        }
    }

    /// <summary>Closes every channel's session (requeueing its unacked messages) and forgets them all.</summary>
    public void CloseAll()
    {
        AmqpChannel[] channels;
        lock (_channels)
        {
            channels = [.. _channels.Values];
            _channels.Clear();
            _last = null;
        }

        churn.OnChannelsClosed(channels.Length);
        foreach (var channel in channels)
        {
            channel.Session.Close();
        }
    }

    /// <summary>The open channels as the admin API shows them; called from any thread.</summary>
    public IReadOnlyList<ChannelSnapshot> Snapshot()
    {
        AmqpChannel[] channels;
        lock (_channels)
        {
            channels = [.. _channels.Values];
        }

        return [.. channels.OrderBy(c => c.Number).Select(c => c.Snapshot())];
    }

    /// <summary>Whether a channel has a consumer that must acknowledge (read by the read loop for flow control).</summary>
    public bool HasConsumerThatAcks()
    {
        lock (_channels)
        {
            foreach (var channel in _channels.Values)
            {
                if (channel.Session.HasConsumerThatAcks)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The open channels; called from any thread.</summary>
    public AmqpChannel[] ToArray()
    {
        lock (_channels)
        {
            return [.. _channels.Values];
        }
    }

    public void ResumeDeliveries()
    {
        foreach (var channel in ToArray())
        {
            channel.Session.ResumeDeliveries();
        }
    }
}
