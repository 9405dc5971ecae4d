using System.Collections.Frozen;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Classic;
using AmqpBroker.Core.Queues.Quorum;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The queue types one broker knows, by their <c>x-queue-type</c> name, and the default a declaration
/// without one gets (classic). A new type is a folder with its <see cref="IQueueType"/> and one entry in
/// <see cref="CreateBuiltIn"/>. Fixed once built, so lookups take no lock.
/// </summary>
internal sealed class QueueTypeRegistry
{
    public const string QueueTypeArgument = "x-queue-type";

    /// <summary>RabbitMQ's types that this broker lacks: refused with a reason a user can act on, not as unknown.</summary>
    private static readonly string[] RabbitMqOnlyTypes = ["stream"];

    private readonly FrozenDictionary<string, IQueueType> _types;

    public QueueTypeRegistry(IQueueType defaultType, IEnumerable<IQueueType> others)
    {
        Default = defaultType;
        _types = others.Append(defaultType).ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>What a declaration without <c>x-queue-type</c> gets when its virtual host names no default.</summary>
    public IQueueType Default { get; }

    /// <summary>The built-in types with the arguments <paramref name="profile"/>'s release gives them.</summary>
    public static QueueTypeRegistry CreateBuiltIn(VersionProfile profile)
    {
        var classic = QueueTypeCapabilities.Classic(profile);
        var quorum = QueueTypeCapabilities.Quorum(profile);
        var known = KnownArguments.Of(classic, quorum, QueueTypeCapabilities.Stream(profile));
        return new(new ClassicQueueType(classic, known), [new QuorumQueueType(quorum, known, profile)]);
    }

    /// <summary>
    /// The type a declaration gets: the one its <c>x-queue-type</c> names (406 PRECONDITION_FAILED with RabbitMQ's
    /// text for a value that names none), else <paramref name="virtualHostDefault"/> when the virtual host has a
    /// default type that allows the declaration's flags, else <see cref="Default"/>.
    /// </summary>
    public IQueueType Resolve(QueueDefinition definition, string? virtualHostDefault = null)
    {
        if (!definition.Arguments.TryGetValue(QueueTypeArgument, out var requested))
        {
            return virtualHostDefault is not null && _types.TryGetValue(virtualHostDefault, out var type) && type.Allows(definition)
                ? type
                : Default;
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
