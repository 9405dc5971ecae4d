using System.Globalization;
using System.Numerics;
using System.Text;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// RabbitMQ's consistent hash exchange plugin (<c>x-consistent-hash</c>): each binding's key is a weight,
/// the number of hash-ring buckets its destination gets, in the order the bindings were made; a message
/// goes to the one destination whose bucket a jump consistent hash of its routing key picks — or of a
/// header (<c>hash-header</c> argument) or of correlation_id, message_id or timestamp (<c>hash-property</c>).
/// The same bindings give the same distribution on every broker and run; a second binding to a destination
/// already on the ring adds nothing, as in the plugin. The hash function is FNV-1a, not Erlang's phash2, so
/// which destination a given key reaches differs from RabbitMQ's.
/// </summary>
public sealed class ConsistentHashExchange : Exchange
{
    public const string HashHeaderArgument = "hash-header";
    public const string HashPropertyArgument = "hash-property";

    private readonly List<(IBindingDestination Destination, int Weight)> _ring = [];
    private readonly string? _hashHeader;
    private readonly string? _hashProperty;
    private readonly int? _maxWeight;
    private volatile IBindingDestination[] _buckets = [];

    /// <param name="definition">The exchange.</param>
    /// <param name="maxWeight">The largest weight a binding may have (10,000 from 4.2.6), or null for none.</param>
    public ConsistentHashExchange(ExchangeDefinition definition, int? maxWeight = null)
        : base(definition)
    {
        _maxWeight = maxWeight;
        _hashHeader = definition.Arguments.GetValueOrDefault(HashHeaderArgument) as string;
        _hashProperty = definition.Arguments.GetValueOrDefault(HashPropertyArgument) as string;
    }

    public override void Route(Message message, RoutingScratch scratch)
    {
        var buckets = _buckets;
        if (buckets.Length > 0)
        {
            scratch.Destinations.Add(buckets[JumpConsistentHash.Bucket(Key(message), buckets.Length)]);
        }
    }

    /// <summary>
    /// The plugin's rule: the key is an integer of at least 1 and, from 4.2.6 (#16118), at most 10,000 (406 otherwise;
    /// rabbit_exchange_type_consistent_hash:validate_binding at v4.2.9). Erlang reads integers of any size, so a huge key
    /// exceeds the maximum; without one, a key beyond an int is refused as no integer.
    /// </summary>
    protected override void ValidateBinding(Binding binding)
    {
        if (!BigInteger.TryParse(binding.RoutingKey, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var weight))
        {
            throw NotAnInteger(binding.RoutingKey);
        }

        if (weight < 1)
        {
            throw AmqpException.PreconditionFailed("The binding key must be greater than 0");
        }

        if (weight > (_maxWeight ?? int.MaxValue))
        {
            throw _maxWeight is { } max ? AmqpException.PreconditionFailed($"The binding key must not exceed {max}") : NotAnInteger(binding.RoutingKey);
        }
    }

    private static AmqpException NotAnInteger(string key) => AmqpException.PreconditionFailed($"The binding key must be an integer: <<\"{key}\">>");

    protected override void OnBindingAdded(Binding binding)
    {
        if (_ring.All(r => !ReferenceEquals(r.Destination, binding.Destination)))
        {
            _ring.Add((binding.Destination, int.Parse(binding.RoutingKey, CultureInfo.InvariantCulture)));
            Rebuild();
        }
    }

    /// <summary>The destination's buckets go; the ones after them move down, as in the plugin.</summary>
    protected override void OnBindingRemoved(Binding binding)
    {
        if (_ring.RemoveAll(r => ReferenceEquals(r.Destination, binding.Destination)) > 0)
        {
            Rebuild();
        }
    }

    private void Rebuild() => _buckets = [.. _ring.SelectMany(r => Enumerable.Repeat(r.Destination, r.Weight))];

    private ulong Key(Message message)
    {
        if (_hashHeader is null && _hashProperty is null)
        {
            return Fnv1a.Hash(message.RoutingKey);
        }

        // Only the header and property modes decode the message's properties.
        var properties = BasicProperties.Decode(message.Properties);
        var value = _hashHeader is not null
            ? properties.Headers?.GetValueOrDefault(_hashHeader)
            : _hashProperty switch
            {
                "correlation_id" => properties.CorrelationId,
                "message_id" => properties.MessageId,
                _ => properties.Timestamp is { } timestamp ? timestamp.UnixSeconds.ToString(CultureInfo.InvariantCulture) : null,
            };
        return value switch
        {
            null => 0,
            string text => Fnv1a.Hash(text),
            byte[] bytes => Fnv1a.Hash(bytes),
            IFormattable number => Fnv1a.Hash(number.ToString(null, CultureInfo.InvariantCulture)),
            _ => Fnv1a.Hash(value.ToString() ?? ""),
        };
    }
}

/// <summary>The <c>x-consistent-hash</c> type: a plugin in RabbitMQ, always available here since users install it everywhere.</summary>
/// <param name="maxWeight">The largest binding weight of the release (<see cref="Profiles.VersionProfile.ConsistentHashMaxBindingWeight"/>).</param>
internal sealed class ConsistentHashExchangeType(int? maxWeight = null) : IExchangeType
{
    private static readonly string[] Properties = ["correlation_id", "message_id", "timestamp"];

    public string Name => ExchangeTypes.ConsistentHash;

    public string Description => "Consistent Hashing Exchange";

    public void ValidateArguments(ExchangeDefinition definition)
    {
        var arguments = definition.Arguments;
        var header = arguments.GetValueOrDefault(ConsistentHashExchange.HashHeaderArgument) as string;
        var property = arguments.GetValueOrDefault(ConsistentHashExchange.HashPropertyArgument) as string;
        if (header is not null && property is not null)
        {
            throw AmqpException.PreconditionFailed("hash-header and hash-property are mutually exclusive");
        }

        if (property is not null && !Properties.Contains(property))
        {
            throw AmqpException.PreconditionFailed($"Unsupported property: {property}");
        }
    }

    public Exchange Create(ExchangeDefinition definition) => new ConsistentHashExchange(definition, maxWeight);
}

/// <summary>Lamping and Veach's jump consistent hash: a bucket in [0, buckets) that moves for few keys when buckets are added.</summary>
internal static class JumpConsistentHash
{
    public static int Bucket(ulong key, int buckets)
    {
        long bucket = -1, next = 0;
        while (next < buckets)
        {
            bucket = next;
            key = (key * 2862933555777941757UL) + 1;
            next = (long)((bucket + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)bucket;
    }
}

/// <summary>64-bit FNV-1a over UTF-8 bytes: stable across processes (unlike string.GetHashCode) and allocation-free.</summary>
internal static class Fnv1a
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(string text)
    {
        Span<byte> utf8 = text.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)] : new byte[Encoding.UTF8.GetByteCount(text)];
        return Hash(utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
    }

    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = Offset;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
