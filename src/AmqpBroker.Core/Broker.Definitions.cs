using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core;

/// <summary>
/// The broker's users, vhost permissions and policies: each change is written to the store before it takes
/// effect, under the definitions lock; deleting a user closes its connections as RabbitMQ does.
/// </summary>
public sealed partial class Broker
{
    /// <summary>Adds or replaces a user (RabbitMQ's password hash format; see <see cref="PasswordHasher"/>).</summary>
    public void PutUser(User user)
    {
        using (ChangeDefinitions())
        {
            _store.PutUser(user);
            Users.Put(user);
        }
    }

    /// <summary>
    /// Deletes the user and its permissions and closes its connections with 320 CONNECTION_FORCED, as
    /// RabbitMQ does. False when there is no such user.
    /// </summary>
    public bool DeleteUser(string name)
    {
        using (ChangeDefinitions())
        {
            if (!Users.Delete(name))
            {
                return false;
            }

            _store.DeleteUser(name);
            _permissions.ClearWhere(p => p.User == name);
            ForgetUserSecurity(name);
        }

        ForceClose(c => c.User.Name == name, UserDeletedReason(name));
        return true;
    }

    public Permission? FindPermission(string user, string virtualHost) => _permissions.Find(user, virtualHost)?.Permission;

    /// <summary>
    /// Sets (or replaces) a user's permission on a vhost. Throws <see cref="PermissionValidationException"/>
    /// for a pattern that is not a regular expression or a user or vhost that does not exist.
    /// </summary>
    public void SetPermission(Permission permission)
    {
        CheckPatterns(permission.Configure, permission.Write, permission.Read);
        var compiled = new CompiledPermission(permission, MatchBudget);
        using (ChangeDefinitions())
        {
            RequireUserAndVirtualHost(permission.User, permission.VirtualHost);
            _store.PutPermission(permission);
            _permissions.Set(compiled);
        }
    }

    /// <summary>Removes a user's permission on a vhost; open connections stay open (as in RabbitMQ) but are refused from the next operation.</summary>
    public bool ClearPermission(string user, string virtualHost)
    {
        using (ChangeDefinitions())
        {
            if (!_permissions.Clear(user, virtualHost))
            {
                return false;
            }

            _store.DeletePermission(user, virtualHost);
            return true;
        }
    }

    /// <summary>Whether the user may open connections to the vhost: RabbitMQ's rule is that it has any permission there.</summary>
    public bool CanAccessVirtualHost(string user, string virtualHost) => _permissions.Find(user, virtualHost) is not null;

    /// <summary>The permission checks for operations of <paramref name="user"/> in <paramref name="virtualHost"/>.</summary>
    public ResourceAccess AccessFor(string user, string virtualHost) => new(_permissions, _topicPermissions, user, virtualHost, Settings.Profile.RefusalNamesPermission);

    /// <summary>
    /// A client's publisher into <paramref name="virtualHost"/> (an AMQP channel, an HTTP publish) with this broker's message
    /// size limit, direct replies and release's delivery_mode rule; <paramref name="connection"/> and <paramref name="channel"/> say where it publishes from.
    /// </summary>
    public Publisher CreatePublisher(VirtualHost virtualHost, ResourceAccess access, MessageCounters counters, ClientConnection? connection = null, ushort channel = 0) =>
        new(virtualHost, access, Settings.MaxMessageSize, DirectReplies, counters)
        {
            Connection = connection,
            Channel = channel,
            ValidatesDeliveryMode = Settings.Profile.DeliveryModeValidated,
        };

    /// <summary>
    /// Adds or replaces a policy and applies it at once to the matching queues and exchanges of its vhost.
    /// Throws <see cref="PolicyValidationException"/> (with RabbitMQ's reason) for a bad pattern or definition,
    /// and when the vhost does not exist.
    /// </summary>
    public void PutPolicy(Policy policy)
    {
        if (Settings.Profile.CoreRegexLimited && RegexLimits.IsTooLong(policy.Pattern))
        {
            // rabbit_parameter_validation:regex at v4.2.8, before the pattern is compiled.
            throw new PolicyValidationException($"pattern must not exceed {RegexLimits.MaxPatternBytes} bytes");
        }

        var compiled = PolicyValidator.Compile(policy, Settings.Profile);
        using (ChangeDefinitions())
        {
            var virtualHost = FindVirtualHost(policy.VirtualHost)
                ?? throw new PolicyValidationException($"no_such_vhost: '{policy.VirtualHost}'");
            _store.PutPolicy(policy);
            virtualHost.PutPolicy(compiled);
        }
    }

    /// <summary>Deletes a policy; what it applied to gets the next matching policy, or none. False when there is no such policy.</summary>
    public bool DeletePolicy(string virtualHost, string name)
    {
        using (ChangeDefinitions())
        {
            if (FindVirtualHost(virtualHost) is not { } host || !host.DeletePolicy(name))
            {
                return false;
            }

            _store.DeletePolicy(virtualHost, name);
            return true;
        }
    }

    /// <summary>A permission may only name a user and a vhost that exist; called under the definitions lock.</summary>
    private void RequireUserAndVirtualHost(string user, string virtualHost)
    {
        if (Users.Find(user) is null || FindVirtualHost(virtualHost) is null)
        {
            throw new PermissionValidationException("vhost_or_user_not_found");
        }
    }

    private static string UserDeletedReason(string name) => $"user '{name}' is deleted";
}
