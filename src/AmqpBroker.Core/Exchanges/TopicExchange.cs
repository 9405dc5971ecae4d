using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Routes by pattern: binding keys with '*' (one word) and '#' (any words), through a trie; the CC/BCC keys are matched too.
/// From RabbitMQ 4.3.5 a binding key may hold at most <c>maxHashWildcards</c> '#' words (null: any number).
/// </summary>
public sealed class TopicExchange(ExchangeDefinition definition, int? maxHashWildcards = null) : Exchange(definition)
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

    /// <summary>
    /// RabbitMQ 4.3.5's limit (rabbit_exchange_type_topic:validate_binding): the key's words that are exactly '#' are
    /// counted ('a#' or '##' is no wildcard), and more than the limit is 406 PRECONDITION_FAILED with its text.
    /// </summary>
    protected override void ValidateBinding(Binding binding)
    {
        if (maxHashWildcards is not { } limit)
        {
            return;
        }

        var count = binding.RoutingKey.Split('.').Count(word => word == "#");
        if (count > limit)
        {
            throw AmqpException.PreconditionFailed($"Topic binding key '{binding.RoutingKey}' uses {count} '#' wildcards, at most {limit} are allowed");
        }
    }

    protected override void OnBindingAdded(Binding binding) => _trie = _trie.Add(binding.RoutingKey, binding.Destination);

    protected override void OnBindingRemoved(Binding binding) => _trie = _trie.Remove(binding.RoutingKey, binding.Destination);
}

/// <summary>The <c>topic</c> type; <paramref name="maxHashWildcards"/> is the release's limit on '#' words per binding key.</summary>
internal sealed class TopicExchangeType(int? maxHashWildcards = null) : IExchangeType
{
    public string Name => ExchangeTypes.Topic;

    public string Description => "AMQP topic exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new TopicExchange(definition, maxHashWildcards);
}
