using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes by pattern: binding keys with '*' (one word) and '#' (any words), through a trie; the CC/BCC keys are matched too.</summary>
public sealed class TopicExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile TopicTrie _trie = TopicTrie.Empty;

    public override void Route(Message message, RoutingScratch scratch)
    {
        var destinations = scratch.Destinations;
        var start = destinations.Count;
        var trie = _trie;
        trie.Match(message.RoutingKey, scratch.Topic, destinations);
        foreach (var key in scratch.SenderSelectedKeys)
        {
            trie.Match(key, scratch.Topic, destinations);
        }

        DestinationDeduplicator.RemoveDuplicates(destinations, scratch.Seen, start);
    }

    protected override void OnBindingAdded(Binding binding) => _trie = _trie.Add(binding.RoutingKey, binding.Destination);

    protected override void OnBindingRemoved(Binding binding) => _trie = _trie.Remove(binding.RoutingKey, binding.Destination);
}

/// <summary>The <c>topic</c> type.</summary>
internal sealed class TopicExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.Topic;

    public string Description => "AMQP topic exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new TopicExchange(definition);
}
