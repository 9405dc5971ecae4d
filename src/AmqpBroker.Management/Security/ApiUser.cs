using AmqpBroker.Core;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Security;

/// <summary>
/// The authenticated caller of the admin API and what its tags allow, with RabbitMQ's meaning of the
/// tags: management sees its own vhosts and connections, monitoring sees everything, policymaker manages
/// policies, administrator does anything.
/// </summary>
internal sealed class ApiUser(User user, Broker broker)
{
    public const string AdministratorTag = "administrator";
    public const string MonitoringTag = "monitoring";
    public const string PolicymakerTag = "policymaker";
    public const string ManagementTag = "management";

    public User User => user;

    public string Name => user.Name;

    /// <summary>The broker's clock, for what the user's requests stamp.</summary>
    public TimeProvider Time => broker.Time;

    public bool IsAdministrator => HasTag(AdministratorTag);

    public bool IsMonitoring => IsAdministrator || HasTag(MonitoringTag);

    public bool IsPolicymaker => IsAdministrator || HasTag(PolicymakerTag);

    /// <summary>Users without any management tag may not use the API at all.</summary>
    public bool IsManagementUser => IsMonitoring || IsPolicymaker || HasTag(ManagementTag);

    /// <summary>
    /// Whether the user may see and manage the vhost's objects: administrators may use every vhost, others
    /// only those they have a permission on (RabbitMQ's rule).
    /// </summary>
    public bool CanAccessVirtualHost(string virtualHost) =>
        broker.FindVirtualHost(virtualHost) is not null && (IsAdministrator || broker.CanAccessVirtualHost(Name, virtualHost));

    /// <summary>Whether /api/vhosts lists the vhost: monitoring users see every vhost there.</summary>
    public bool CanListVirtualHost(string virtualHost) => IsMonitoring || CanAccessVirtualHost(virtualHost);

    /// <summary>The AMQP permission checks (configure, write, read) for the user's operations in the vhost.</summary>
    public ResourceAccess AccessIn(string virtualHost) => broker.AccessFor(Name, virtualHost);

    /// <summary>Whether the user may see a connection (and its channels and consumers): their own, or any when monitoring.</summary>
    public bool CanSee(ClientConnection connection) => CanSeeObjectsOf(connection.User.Name);

    /// <summary>Whether the user may read what belongs to the user <paramref name="owner"/>: their own, or anyone's when monitoring.</summary>
    public bool CanSeeObjectsOf(string owner) => IsMonitoring || string.Equals(owner, Name, StringComparison.Ordinal);

    /// <summary>Throws RabbitMQ's 401 when the user's tags do not grant <paramref name="access"/>.</summary>
    public void Require(Access access)
    {
        var (granted, reason) = access switch
        {
            Access.Administrator => (IsAdministrator, "Not administrator user"),
            Access.Monitoring => (IsMonitoring, "Not monitor user"),
            Access.Policymaker => (IsPolicymaker, "User not authorised to access object"),
            _ => (IsManagementUser, "Not management user"),
        };
        if (!granted)
        {
            throw ApiException.NotAuthorised(reason);
        }
    }

    private bool HasTag(string tag) => user.Tags.Contains(tag, StringComparer.Ordinal);
}
