using System.Collections.Frozen;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Classic;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The queue types one broker knows, by their <c>x-queue-type</c> name, and the default a declaration
/// without one gets (classic). A new type is a folder with its <see cref="IQueueType"/> and one entry in
/// <see cref="CreateBuiltIn"/>. Fixed once built, so lookups take no lock.
/// </summary>
internal sealed class QueueTypeRegistry
{
    public const string QueueTypeArgument = "x-queue-type";

    private readonly FrozenDictionary<string, IQueueType> _types;

    public QueueTypeRegistry(IQueueType defaultType, IEnumerable<IQueueType> others)
    {
        Default = defaultType;
        _types = others.Append(defaultType).ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>What a declaration without <c>x-queue-type</c> gets when its virtual host names no default.</summary>
    public IQueueType Default { get; }

    /// <summary>Whether a type of that <c>x-queue-type</c> name is registered.</summary>
    public bool Knows(string name) => _types.ContainsKey(name);

    /// <summary>The built-in types with the arguments <paramref name="profile"/>'s release gives them.</summary>
    public static QueueTypeRegistry CreateBuiltIn(VersionProfile profile)
    {
        var classic = QueueTypeCapabilities.Classic(profile);
        var quorum = QueueTypeCapabilities.Quorum(profile);
        var stream = QueueTypeCapabilities.Stream(profile);
        var known = KnownArguments.Of(classic, quorum, stream);
        return new(new ClassicQueueType(classic, known), [new QuorumQueueType(quorum, known, profile), new StreamQueueType(stream, known, profile)]);
    }

    /// <summary>
    /// The declaration as RabbitMQ runs it (rabbit_amqqueue:augment_declare_args): one without <c>x-queue-type</c>
    /// gets the vhost's default type when that type allows the queue's flags, and otherwise classic where
    /// <paramref name="recordFallback"/> (4.0+), or stays without a type (3.x, where it is classic). No default
    /// suits a transient non-exclusive queue while those are not permitted (4.3).
    /// </summary>
    public QueueDefinition WithDefaultType(QueueDefinition definition, string? virtualHostDefault, bool recordFallback, bool transientPermitted)
    {
        if (definition.Arguments.ContainsKey(QueueTypeArgument))
        {
            return definition;
        }

        var suits = virtualHostDefault is not null
            && (transientPermitted || definition.Durable || definition.Exclusive)
            && Allows(virtualHostDefault, definition);
        var type = suits ? virtualHostDefault : recordFallback ? Default.Name : null;
        return type is null
            ? definition
            : definition with { Arguments = new Dictionary<string, object?>(definition.Arguments, StringComparer.Ordinal) { [QueueTypeArgument] = type } };
    }

    /// <summary>The type a declaration names with <c>x-queue-type</c>, else <see cref="Default"/>; 406 PRECONDITION_FAILED with RabbitMQ's text for a value that names none.</summary>
    public IQueueType Resolve(QueueDefinition definition)
    {
        if (!definition.Arguments.TryGetValue(QueueTypeArgument, out var requested))
        {
            return Default;
        }

        var queue = QueueArguments.Describe(definition);
        return requested switch
        {
            string name when _types.TryGetValue(name, out var type) => type,
            string name => throw QueueArguments.Invalid(QueueTypeArgument, queue, $"\"unsupported queue type '{name}'\""),
            var other => throw QueueArguments.Invalid(QueueTypeArgument, queue, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
        };
    }

    /// <summary>Whether the type named <paramref name="name"/> allows the declaration's flags; the types this broker lacks (stream) are replicated ones.</summary>
    private bool Allows(string name, QueueDefinition definition) =>
        _types.TryGetValue(name, out var type) ? type.Allows(definition) : ReplicatedTypeRules.Allows(definition);
}
