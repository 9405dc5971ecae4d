namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// What RabbitMQ keeps in a virtual host's metadata besides its name: the default queue type (<c>default_queue_type</c>),
/// which a queue declared without <c>x-queue-type</c> gets when its properties suit it, and the operator's description
/// and tags, which are only shown, and whether it is protected from deletion (RabbitMQ 4.1+).
/// </summary>
/// <param name="DefaultQueueType">An <c>x-queue-type</c> name (classic, quorum, stream), or null when unset.</param>
public sealed record VirtualHostMetadata(string? DefaultQueueType = null)
{
    public static readonly VirtualHostMetadata None = new();

    public string Description { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// <c>protected_from_deletion</c>: true once protected, false once unprotected, null while never set (RabbitMQ's
    /// metadata map then lacks the key; vhost:is_protected_from_deletion at v4.1.0 takes that as unprotected).
    /// </summary>
    public bool? ProtectedFromDeletion { get; init; }

    public bool Equals(VirtualHostMetadata? other) =>
        other is not null && DefaultQueueType == other.DefaultQueueType && Description == other.Description && Tags.SequenceEqual(other.Tags)
        && ProtectedFromDeletion == other.ProtectedFromDeletion;

    public override int GetHashCode() => HashCode.Combine(DefaultQueueType, Description, Tags.Count, ProtectedFromDeletion);

    /// <summary>
    /// Reads tags as rabbit_vhost:parse_tags/1 does: a string is split at commas, a list taken item by item, each tag
    /// trimmed of white space; null, absent and the empty string are none. Anything else is refused (an <see cref="ArgumentException"/>).
    /// </summary>
    public static IReadOnlyList<string> ParseTags(object? tags) => tags switch
    {
        null or "" or "undefined" or "null" => [],
        string text => [.. text.Split(',').Select(tag => tag.Trim())],
        IEnumerable<object?> items when items.All(item => item is string) => [.. items.Select(item => ((string)item!).Trim())],
        _ => throw new ArgumentException("tags must be a string of comma-separated tags or a list of strings"),
    };

    /// <summary>The queue types a default may name (rabbit_queue_type:validate_default_queue_type).</summary>
    public static readonly IReadOnlyList<string> KnownQueueTypes = ["classic", "quorum", "stream"];

    /// <summary>
    /// Reads a requested default as RabbitMQ does: null, <c>undefined</c> and absent mean unset; anything but a
    /// known type is refused with RabbitMQ's reason (an <see cref="ArgumentException"/>).
    /// </summary>
    public static VirtualHostMetadata Parse(string? defaultQueueType) => defaultQueueType switch
    {
        null or "undefined" => None,
        "" => throw new ArgumentException("default_queue_type must not be an empty string"),
        var type when KnownQueueTypes.Contains(type) => new(type),
        var type => throw new ArgumentException($"{type} is not a valid queue type"),
    };

    /// <summary>
    /// Reads a requested default decoded from JSON (a string, boolean, number, list, map or null) as
    /// rabbit_queue_type:validate_default_queue_type does from 4.2.8 (#16481): a boolean is an unknown queue type, a
    /// number, list or map not a valid value at all (an <see cref="ArgumentException"/> with RabbitMQ's reason).
    /// </summary>
    public static VirtualHostMetadata Validate(object? requested) => requested switch
    {
        null => None,
        string text => Parse(text),
        bool flag => throw new ArgumentException($"{(flag ? "true" : "false")} is not a valid queue type"),
        var other => throw new ArgumentException($"{Arguments.ErlangTerms.FormatJson(other)} is not a valid default_queue_type value"),
    };
}
