using AmqpBroker.Core;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Http;

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

    public bool IsAdministrator => HasTag(AdministratorTag);

    public bool IsMonitoring => IsAdministrator || HasTag(MonitoringTag);

    public bool IsPolicymaker => IsAdministrator || HasTag(PolicymakerTag);

    /// <summary>Users without any management tag may not use the API at all.</summary>
    public bool IsManagementUser => IsMonitoring || IsPolicymaker || HasTag(ManagementTag);

    public bool CanAccessVirtualHost(string virtualHost) => broker.FindVirtualHost(virtualHost) is not null;

    /// <summary>Whether the user may see a connection (and its channels and consumers): their own, or any when monitoring.</summary>
    public bool CanSee(ClientConnection connection) => IsMonitoring || connection.User.Name == Name;

    /// <summary>Throws RabbitMQ's 401 when the user's tags do not grant <paramref name="access"/>.</summary>
    public void Require(Access access)
    {
        var (granted, reason) = access switch
        {
            Access.Administrator => (IsAdministrator, "Not administrator user"),
            Access.Monitoring => (IsMonitoring, "Not monitor user"),
            Access.Policymaker => (IsPolicymaker, "Not policymaker user"),
            _ => (IsManagementUser, "Not management user"),
        };
        if (!granted)
        {
            throw ApiException.NotAuthorised(reason);
        }
    }

    private bool HasTag(string tag) => user.Tags.Contains(tag, StringComparer.Ordinal);
}
