using System.Collections.Frozen;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues.Classic;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The queue types one broker knows, by their <c>x-queue-type</c> name, and the default a declaration
/// without one gets (classic). A new type is a folder with its <see cref="IQueueType"/> and one entry in
/// <see cref="CreateBuiltIn"/>. Fixed once built, so lookups take no lock.
/// </summary>
internal sealed class QueueTypeRegistry
{
    public const string QueueTypeArgument = "x-queue-type";

    /// <summary>RabbitMQ's module of the classic type, as its error texts name queue types.</summary>
    public const string ClassicModule = "rabbit_classic_queue";

    private const string Classic = "classic";

    /// <summary>RabbitMQ's types that this broker lacks: refused with a reason a user can act on, not as unknown.</summary>
    private static readonly string[] RabbitMqOnlyTypes = ["quorum", "stream"];

    private readonly FrozenDictionary<string, IQueueType> _types;

    public QueueTypeRegistry(IQueueType defaultType, IEnumerable<IQueueType> others)
    {
        Default = defaultType;
        _types = others.Append(defaultType).ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>What a declaration without <c>x-queue-type</c> gets.</summary>
    public IQueueType Default { get; }

    public static QueueTypeRegistry CreateBuiltIn() => new(new ClassicQueueType(), []);

    /// <summary>The <c>x-queue-type</c> name a declaration asks for; classic when it names none.</summary>
    public static string TypeName(QueueDefinition definition) =>
        definition.Arguments.GetValueOrDefault(QueueTypeArgument) as string ?? Classic;

    /// <summary>RabbitMQ's module name for the declaration's type (<c>rabbit_quorum_queue</c>), as its error texts give it.</summary>
    public static string ModuleName(QueueDefinition definition) => $"rabbit_{TypeName(definition)}_queue";

    /// <summary>
    /// The declaration as RabbitMQ runs it (rabbit_amqqueue:augment_declare_args): one without <c>x-queue-type</c>
    /// gets the vhost's default type when the queue's properties suit it, and otherwise classic where
    /// <paramref name="recordFallback"/> (4.0+), or stays without a type (3.x). The replicated types (quorum,
    /// stream) suit only durable, non-exclusive, non-auto-delete queues, and no default suits a transient
    /// non-exclusive queue while those are not permitted (4.3).
    /// </summary>
    public static QueueDefinition WithDefaultType(QueueDefinition definition, string? virtualHostDefault, bool recordFallback, bool transientPermitted)
    {
        if (definition.Arguments.ContainsKey(QueueTypeArgument))
        {
            return definition;
        }

        var suits = virtualHostDefault is not null
            && (transientPermitted || definition.Durable || definition.Exclusive)
            && (virtualHostDefault == Classic || (definition.Durable && !definition.Exclusive && !definition.AutoDelete));
        var type = suits ? virtualHostDefault : recordFallback ? Classic : null;
        return type is null
            ? definition
            : definition with { Arguments = new Dictionary<string, object?>(definition.Arguments, StringComparer.Ordinal) { [QueueTypeArgument] = type } };
    }

    /// <summary>The type a declaration asks for with <c>x-queue-type</c>; 406 PRECONDITION_FAILED for one this broker lacks.</summary>
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
            string name when RabbitMqOnlyTypes.Contains(name) => throw AmqpException.PreconditionFailed(
                $"invalid arg '{QueueTypeArgument}' for {queue}: queue type '{name}' is not supported by this broker; declare a classic queue (omit x-queue-type)"),
            string name => throw QueueArguments.Invalid(QueueTypeArgument, queue, $"\"unsupported queue type '{name}'\""),
            var other => throw QueueArguments.Invalid(QueueTypeArgument, queue, $"{{unacceptable_type,{ErlangTerms.TypeName(other)}}}"),
        };
    }
}
