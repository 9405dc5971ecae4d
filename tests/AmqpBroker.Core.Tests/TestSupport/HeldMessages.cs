using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// Messages a unit test puts straight into a <see cref="ReadyStore"/>, holding the publisher's reference
/// until <see cref="Dispose"/> (a fixture's TearDown) releases them all.
/// </summary>
internal sealed class HeldMessages : IDisposable
{
    private readonly List<Message> _held = [];

    public IReadOnlyList<Message> All => _held;

    public Message Add(string body, string? expiration = null)
    {
        var message = Message.Create("", "rk", new BasicProperties { Expiration = expiration }.Encode(), Encoding.UTF8.GetBytes(body));
        _held.Add(message);
        return message;
    }

    /// <summary>A plain ready store holding one message per body, in order, none expiring.</summary>
    public ReadyStore Ready(params string[] bodies)
    {
        var ready = new ReadyStore(PriorityLevels.None, log: null);
        for (var i = 0; i < bodies.Length; i++)
        {
            ready.Enqueue(new QueueEntry(Add(bodies[i]), i, false), DurableEntries.NotLogged);
        }

        return ready;
    }

    public void Dispose()
    {
        foreach (var message in _held)
        {
            message.Release();
        }

        _held.Clear();
    }
}
