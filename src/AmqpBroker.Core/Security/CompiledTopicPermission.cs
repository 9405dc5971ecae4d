namespace AmqpBroker.Core.Security;

/// <summary>
/// A <see cref="TopicPermission"/> with its patterns expanded and parsed. The variables RabbitMQ fills for AMQP
/// 0-9-1, <c>{username}</c> and <c>{vhost}</c>, are the permission's own user and vhost, so they are replaced once
/// here: as they are up to 4.2.3 (a name's regular-expression characters keep their meaning), escaped from 4.2.4
/// (<see cref="Profiles.VersionProfile.TopicPermissionVariablesEscaped"/>). Other variables, such as MQTT's
/// <c>{client_id}</c>, stay as written.
/// </summary>
internal sealed class CompiledTopicPermission
{
    private readonly ResourcePattern? _write;
    private readonly ResourcePattern? _read;
    private readonly TimeSpan _matchBudget;
    private readonly bool _escapeVariables;

    /// <summary>Throws <see cref="PermissionValidationException"/> when a pattern as written is not a regular expression.</summary>
    /// <param name="permission">The permission as set.</param>
    /// <param name="matchBudget">How long one match may run (<see cref="RegexLimits.BudgetFor"/>).</param>
    /// <param name="escapeVariables">Whether a variable's value is escaped before it is put in the pattern.</param>
    public CompiledTopicPermission(TopicPermission permission, TimeSpan matchBudget, bool escapeVariables)
    {
        Permission = permission;
        _matchBudget = matchBudget;
        _escapeVariables = escapeVariables;
        ResourcePattern.Parse(permission.Write, matchBudget);
        ResourcePattern.Parse(permission.Read, matchBudget);
        _write = TryParse(Expand(permission.Write));
        _read = TryParse(Expand(permission.Read));
    }

    public TopicPermission Permission { get; }

    public bool Allows(AccessKind access, string routingKey) =>
        (access == AccessKind.Write ? _write : _read) is { } pattern && pattern.Matches(routingKey);

    private string Expand(string pattern) => pattern
        .Replace("{username}", Variable(Permission.User), StringComparison.Ordinal)
        .Replace("{vhost}", Variable(Permission.VirtualHost), StringComparison.Ordinal);

    private string Variable(string value) => _escapeVariables ? RegexLimits.Escape(value) : value;

    /// <summary>A pattern that a name made invalid matches nothing (RabbitMQ's check would fail on it too).</summary>
    private ResourcePattern? TryParse(string pattern)
    {
        try
        {
            return ResourcePattern.Parse(pattern, _matchBudget);
        }
        catch (PermissionValidationException)
        {
            return null;
        }
    }
}
