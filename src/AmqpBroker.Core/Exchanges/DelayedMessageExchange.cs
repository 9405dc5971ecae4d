using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Snapshots;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An <c>x-delayed-message</c> exchange: routes as an exchange of its <c>x-delayed-type</c> (which holds its
/// bindings too), except that a message whose <c>x-delay</c> header asks for a delay is held (see
/// <see cref="DelayedMessages"/>) and routes nowhere for now: a mandatory publisher gets basic.return, as with
/// the plugin, which cannot know at publish time where the message will go. When due, the message is routed
/// from this exchange (onward through exchange bindings and the alternate exchange) with its x-delay header
/// negated; what reaches no queue then is dropped, since there is nobody to return it to.
/// </summary>
public sealed class DelayedMessageExchange : Exchange
{
    private readonly Exchange _routing;
    private readonly ExchangeContext _context;
    private readonly DelayedMessages _held;
    private readonly RoutingScratch _releaseScratch = new();

    internal DelayedMessageExchange(ExchangeDefinition definition, Exchange routing, ExchangeContext context)
        : base(definition)
    {
        _routing = routing;
        _context = context;
        _held = new DelayedMessages(definition, context, Release);
    }

    /// <summary>Messages held now (RabbitMQ's <c>messages_delayed</c>).</summary>
    public int MessagesDelayed => _held.Count;

    public override void Route(Message message, RoutingScratch scratch)
    {
        var delay = DelayHeader.Read(message);
        if (delay == 0)
        {
            _routing.Route(message, scratch);
            return;
        }

        _held.Hold(message, delay);
        scratch.Held = true;
    }

    internal List<HeldMessageSnapshot> SnapshotHeld(long nowMs) => _held.Snapshot(nowMs);

    internal void RestoreHeld(IReadOnlyList<HeldMessageSnapshot> held, long nowMs) => _held.Restore(held, nowMs);

    protected override void ValidateBinding(Binding binding) => _routing.CheckBinding(binding);

    /// <summary>The binding was checked already (<see cref="ValidateBinding"/>), or is being recovered as stored.</summary>
    protected override void OnBindingAdded(Binding binding) => _routing.RestoreBinding(binding);

    protected override void OnBindingRemoved(Binding binding) => _routing.RemoveBinding(binding.Destination, binding.RoutingKey, binding.Arguments);

    protected override void OnDeleted() => _held.Delete();

    /// <summary>The timer: routes a due message on from here; one that reaches nothing is counted as unroutable and dropped.</summary>
    private void Release(Message message, long delayMs)
    {
        if (IsDeleted)
        {
            return;
        }

        var released = DelayHeader.Released(message, delayMs);
        try
        {
            if (QueueDelivery.Deliver(this, released, _context.FindExchange, _releaseScratch, countQueuePublish: true).Queues == 0)
            {
                _context.Leaks.AddUnroutable(mandatory: false);
            }
        }
        finally
        {
            released.Release();
        }
    }
}
