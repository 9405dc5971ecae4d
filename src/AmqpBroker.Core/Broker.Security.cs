using System.Collections.Concurrent;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core;

/// <summary>
/// The broker's topic permissions and its vhost and user limits: setting them (stored before they take
/// effect, like every definition) and the limit checks connections and channels make as they open, with
/// RabbitMQ's refusal texts.
/// </summary>
public sealed partial class Broker
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<Limit>> _virtualHostLimits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<Limit>> _userLimits = new(StringComparer.Ordinal);

    public IReadOnlyCollection<TopicPermission> TopicPermissions => _topicPermissions.All;

    /// <summary>Every vhost that has limits, with them (newest first, as RabbitMQ lists them).</summary>
    public IReadOnlyCollection<KeyValuePair<string, IReadOnlyList<Limit>>> VirtualHostLimits => [.. _virtualHostLimits.Where(l => l.Value.Count > 0)];

    /// <summary>Every user that has limits, with them (by name).</summary>
    public IReadOnlyCollection<KeyValuePair<string, IReadOnlyList<Limit>>> UserLimits => [.. _userLimits.Where(l => l.Value.Count > 0)];

    public IReadOnlyList<Limit> LimitsOfVirtualHost(string virtualHost) => _virtualHostLimits.GetValueOrDefault(virtualHost) ?? [];

    public IReadOnlyList<Limit> LimitsOfUser(string user) => _userLimits.GetValueOrDefault(user) ?? [];

    /// <summary>
    /// Sets (or replaces) a user's topic permission on one exchange of a vhost. Throws
    /// <see cref="PermissionValidationException"/> for a pattern that is not a regular expression, or a user or
    /// vhost that does not exist.
    /// </summary>
    public void SetTopicPermission(TopicPermission permission)
    {
        CheckPatterns(permission.Write, permission.Read);
        var compiled = new CompiledTopicPermission(permission, MatchBudget, Settings.Profile.TopicPermissionVariablesEscaped);
        using (ChangeDefinitions())
        {
            RequireUserAndVirtualHost(permission.User, permission.VirtualHost);
            _store.PutTopicPermission(permission);
            _topicPermissions.Set(compiled);
        }
    }

    /// <summary>Removes a user's topic permission on <paramref name="exchange"/>, or on every exchange when null; false when there was none.</summary>
    public bool ClearTopicPermissions(string user, string virtualHost, string? exchange = null)
    {
        using (ChangeDefinitions())
        {
            var removed = _topicPermissions.ClearWhere(p => p.User == user && p.VirtualHost == virtualHost && (exchange is null || p.Exchange == exchange));
            foreach (var permission in removed)
            {
                _store.DeleteTopicPermission(permission.User, permission.VirtualHost, permission.Exchange);
            }

            return removed.Count > 0;
        }
    }

    /// <summary>
    /// Sets one limit of a vhost (RabbitMQ's <c>vhost-limits</c>) to <paramref name="value"/>, a decoded JSON term.
    /// Throws <see cref="LimitValidationException"/> for an unknown name or a value that is not an integer.
    /// </summary>
    public void SetVirtualHostLimit(string virtualHost, string name, object? value)
    {
        long limit;
        try
        {
            limit = Limit.ValueOf(name, value);
            if (!Limit.VirtualHostLimits.Contains(name))
            {
                throw new LimitValidationException($"Unrecognised terms [{{{Arguments.ErlangTerms.FormatJson(name)},{limit}}}] in limits");
            }
        }
        catch (LimitValidationException ex)
        {
            // RabbitMQ validates vhost limits as a runtime parameter, whose refusals read so.
            throw new LimitValidationException($"Validation failed\n\n{ex.Message}\n");
        }

        using (ChangeDefinitions())
        {
            _ = FindVirtualHost(virtualHost) ?? throw new LimitValidationException($"no_such_vhost: '{virtualHost}'");

            // The newest first, as RabbitMQ keeps a vhost's limits.
            PutVirtualHostLimits(virtualHost, [new Limit(name, limit), .. LimitsOfVirtualHost(virtualHost).Where(l => l.Name != name)]);
        }
    }

    public void ClearVirtualHostLimit(string virtualHost, string name)
    {
        using (ChangeDefinitions())
        {
            PutVirtualHostLimits(virtualHost, [.. LimitsOfVirtualHost(virtualHost).Where(l => l.Name != name)]);
        }
    }

    /// <summary>Sets one limit of a user to <paramref name="value"/>, a decoded JSON term. Throws <see cref="LimitValidationException"/> for an unknown name or user, or a value that is not an integer.</summary>
    public void SetUserLimit(string user, string name, object? value)
    {
        var limit = Limit.ValueOf(name, value);
        if (!Limit.UserLimits.Contains(name))
        {
            throw new LimitValidationException($"Unrecognised terms [{{{Arguments.ErlangTerms.FormatJson(name)},{limit}}}] in user-limits");
        }

        using (ChangeDefinitions())
        {
            _ = Users.Find(user) ?? throw new LimitValidationException($"no_such_user: '{user}'");
            PutUserLimits(user, [.. LimitsOfUser(user).Where(l => l.Name != name).Append(new Limit(name, limit)).OrderBy(l => l.Name, StringComparer.Ordinal)]);
        }
    }

    public void ClearUserLimit(string user, string name)
    {
        using (ChangeDefinitions())
        {
            PutUserLimits(user, [.. LimitsOfUser(user).Where(l => l.Name != name)]);
        }
    }

    /// <summary>
    /// Before connection.open-ok, in RabbitMQ's order: the node's connection limit, the vhost's (a missing vhost
    /// is refused here), then the user's; each a 530 NOT_ALLOWED connection error.
    /// </summary>
    public void CheckConnectionLimits(string user, string virtualHost)
    {
        if (Settings.MaxConnections > 0 && ConnectionCount >= Settings.MaxConnections)
        {
            throw AmqpException.NotAllowed($"connection refused: node connection limit ({Settings.MaxConnections}) is reached");
        }

        _ = FindVirtualHost(virtualHost) ?? throw AmqpException.NotAllowed($"vhost {virtualHost} not found");
        if (Limit.InForce(LimitsOfVirtualHost(virtualHost), Limit.MaxConnections) is { } vhostLimit
            && _connections.Keys.Count(c => c.VirtualHost == virtualHost) >= vhostLimit)
        {
            throw AmqpException.NotAllowed($"access to vhost '{virtualHost}' refused for user '{user}': connection limit ({vhostLimit}) is reached");
        }

        if (Limit.InForce(LimitsOfUser(user), Limit.MaxConnections) is { } userLimit
            && _connections.Keys.Count(c => c.User.Name == user) >= userLimit)
        {
            throw AmqpException.NotAllowed($"connection refused for user '{user}': user connection limit ({userLimit}) is reached");
        }
    }

    /// <summary>Before channel.open-ok: the user's <c>max-channels</c>, then the node's <c>channel_max_per_node</c>; each a 530 NOT_ALLOWED connection error.</summary>
    public void CheckChannelLimits(string user)
    {
        if (Limit.InForce(LimitsOfUser(user), Limit.MaxChannels) is { } userLimit
            && _connections.Keys.Where(c => c.User.Name == user).Sum(c => c.ChannelCount()) >= userLimit)
        {
            throw AmqpException.NotAllowed($"number of channels opened for user '{user}' has reached the maximum allowed user limit of ({userLimit})");
        }

        if (Settings.ChannelMaxPerNode > 0 && _connections.Keys.Sum(c => c.ChannelCount()) >= Settings.ChannelMaxPerNode)
        {
            throw AmqpException.NotAllowed($"number of channels opened on node '{Environment.MachineName}' has reached the maximum allowed limit of ({Settings.ChannelMaxPerNode})");
        }
    }

    /// <summary>How long one permission match may run (<see cref="Profiles.VersionProfile.CoreRegexLimited"/>).</summary>
    private TimeSpan MatchBudget => RegexLimits.BudgetFor(Settings.Profile.CoreRegexLimited);

    /// <summary>
    /// Checks permission patterns one after the other as rabbit_auth_backend_internal does when they are set: over 1024
    /// bytes where the release refuses it (<see cref="Profiles.VersionProfile.CoreRegexLimited"/>), then whether it is a
    /// regular expression; the first bad one is the reason.
    /// </summary>
    private void CheckPatterns(params ReadOnlySpan<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            if (Settings.Profile.CoreRegexLimited)
            {
                ResourcePattern.CheckLength(pattern);
            }

            ResourcePattern.Parse(pattern, MatchBudget);
        }
    }

    private void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits)
    {
        _store.PutVirtualHostLimits(virtualHost, limits);
        _virtualHostLimits[virtualHost] = limits;
    }

    private void PutUserLimits(string user, IReadOnlyList<Limit> limits)
    {
        _store.PutUserLimits(user, limits);
        _userLimits[user] = limits;
    }

    /// <summary>A deleted vhost's topic permissions and limits go with it (the store deletes its own rows).</summary>
    private void ForgetVirtualHostSecurity(string virtualHost)
    {
        _topicPermissions.ClearWhere(p => p.VirtualHost == virtualHost);
        _virtualHostLimits.TryRemove(virtualHost, out _);
    }

    private void ForgetUserSecurity(string user)
    {
        _topicPermissions.ClearWhere(p => p.User == user);
        _userLimits.TryRemove(user, out _);
    }

    private void RecoverSecurity(StoredDefinitions stored)
    {
        foreach (var permission in stored.TopicPermissions)
        {
            _topicPermissions.Set(new CompiledTopicPermission(permission, MatchBudget, Settings.Profile.TopicPermissionVariablesEscaped));
        }

        foreach (var (virtualHost, limits) in stored.VirtualHostLimits)
        {
            _virtualHostLimits[virtualHost] = limits;
        }

        foreach (var (user, limits) in stored.UserLimits)
        {
            _userLimits[user] = limits;
        }
    }

    /// <summary>Topic permissions and limits as they are now, for a <see cref="Snapshots.BrokerSnapshot"/>.</summary>
    internal Snapshots.SecuritySnapshot TakeSecurity() => new([.. TopicPermissions], [.. VirtualHostLimits], [.. UserLimits]);

    /// <summary>Puts a snapshot's topic permissions and limits back, after its users and vhosts (other users' limits are cleared).</summary>
    internal void RestoreSecurity(Snapshots.SecuritySnapshot snapshot)
    {
        using (ChangeDefinitions())
        {
            foreach (var (user, _) in UserLimits)
            {
                PutUserLimits(user, []);
            }

            foreach (var (user, limits) in snapshot.UserLimits)
            {
                PutUserLimits(user, limits);
            }

            foreach (var (virtualHost, limits) in snapshot.VirtualHostLimits)
            {
                PutVirtualHostLimits(virtualHost, limits);
            }
        }

        foreach (var permission in snapshot.TopicPermissions)
        {
            SetTopicPermission(permission);
        }
    }
}
