using System.Text;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// RabbitMQ 4.3's <c>x-modulus-hash</c> (rabbit_exchange_type_modulus_hash): each message goes to exactly one
/// bound destination, whatever the binding keys: the destinations are sorted (exchanges before queues, then by
/// name, as Erlang orders resources) and the hash of the message's routing keys (its own, then CC and BCC)
/// modulo their number picks one. RabbitMQ hashes with Erlang's phash2; this is FNV-1a over the keys' UTF-8
/// bytes, so the same keys land on one destination every time but not necessarily RabbitMQ's.
/// </summary>
public sealed class ModulusHashExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile IBindingDestination[] _sorted = [];

    public override void Route(Message message, RoutingScratch scratch)
    {
        var sorted = _sorted;
        if (sorted.Length == 0)
        {
            return;
        }

        var hash = Fnv1a(message.RoutingKey, FnvOffset);
        foreach (var key in scratch.SenderSelectedKeys)
        {
            hash = Fnv1a(key, hash);
        }

        scratch.Destinations.Add(sorted[hash % (uint)sorted.Length]);
    }

    protected override void OnBindingAdded(Binding binding) => Rebuild();

    protected override void OnBindingRemoved(Binding binding) => Rebuild();

    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>FNV-1a over the key's UTF-8 bytes and a separator, so ["ab"] and ["a","b"] differ.</summary>
    private static uint Fnv1a(string key, uint hash)
    {
        Span<byte> rune = stackalloc byte[4];
        foreach (var r in key.EnumerateRunes())
        {
            var length = r.EncodeToUtf8(rune);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ rune[i]) * FnvPrime;
            }
        }

        return (hash ^ 0xFF) * FnvPrime;
    }

    private void Rebuild() => _sorted = [.. Bindings.Select(b => b.Destination).Distinct().Order(ResourceOrder.Instance)];

    /// <summary>Erlang's order of #resource{} records in one vhost: kind (exchange &lt; queue), then name as bytes.</summary>
    private sealed class ResourceOrder : IComparer<IBindingDestination>
    {
        public static readonly ResourceOrder Instance = new();

        public int Compare(IBindingDestination? x, IBindingDestination? y)
        {
            var byKind = (x is Queue).CompareTo(y is Queue);
            return byKind != 0 ? byKind : Encoding.UTF8.GetBytes(x!.Name).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y!.Name));
        }
    }
}

/// <summary>The <c>x-modulus-hash</c> type (RabbitMQ 4.3+; before, the sharding plugin's).</summary>
internal sealed class ModulusHashExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.ModulusHash;

    public string Description => "Modulus Hashing Exchange";

    public Exchange Create(ExchangeDefinition definition) => new ModulusHashExchange(definition);
}
