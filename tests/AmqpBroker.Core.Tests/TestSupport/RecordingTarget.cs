using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>One delivery as the fake channel saw it; the body is copied while the message is still alive.</summary>
internal sealed record Delivery(string ConsumerTag, ulong DeliveryTag, bool Redelivered, string Body, Message Message);

internal sealed record GetOk(ulong DeliveryTag, bool Redelivered, uint MessageCount, string Body, Message Message);

/// <summary>A fake <see cref="IDeliveryTarget"/> that records what the session sends to the client.</summary>
internal sealed class RecordingTarget : IDeliveryTarget
{
    private readonly Lock _lock = new();
    private readonly List<Delivery> _deliveries = [];
    private readonly List<GetOk> _gets = [];
    private readonly List<string> _cancels = [];

    public bool CanAcceptDeliveries { get; set; } = true;

    public IReadOnlyList<Delivery> Deliveries
    {
        get
        {
            lock (_lock)
            {
                return [.. _deliveries];
            }
        }
    }

    public IReadOnlyList<GetOk> Gets
    {
        get
        {
            lock (_lock)
            {
                return [.. _gets];
            }
        }
    }

    public IReadOnlyList<string> Cancels
    {
        get
        {
            lock (_lock)
            {
                return [.. _cancels];
            }
        }
    }

    /// <summary>The bodies delivered so far, in delivery order.</summary>
    public IReadOnlyList<string> Bodies => [.. Deliveries.Select(d => d.Body)];

    public IReadOnlyList<string> BodiesFor(string consumerTag) => [.. Deliveries.Where(d => d.ConsumerTag == consumerTag).Select(d => d.Body)];

    public Delivery Last => Deliveries[^1];

    public void SendDeliver(string consumerTag, ulong deliveryTag, bool redelivered, Message message)
    {
        lock (_lock)
        {
            _deliveries.Add(new Delivery(consumerTag, deliveryTag, redelivered, Encoding.UTF8.GetString(message.Body), message));
        }
    }

    public void SendGetOk(ulong deliveryTag, bool redelivered, uint messageCount, Message message)
    {
        lock (_lock)
        {
            _gets.Add(new GetOk(deliveryTag, redelivered, messageCount, Encoding.UTF8.GetString(message.Body), message));
        }
    }

    public void SendCancel(string consumerTag)
    {
        lock (_lock)
        {
            _cancels.Add(consumerTag);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _deliveries.Clear();
            _gets.Clear();
            _cancels.Clear();
        }
    }
}
