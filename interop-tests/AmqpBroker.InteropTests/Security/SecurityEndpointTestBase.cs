namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// A fixture that sets up users, vhosts and their restrictions through the management API, which both this
/// broker and RabbitMQ (<c>MANAGEMENT_URI</c>) have, so each test runs unchanged against either. Every test gets
/// its own vhost and user; both are deleted after it.
/// </summary>
public abstract class SecurityEndpointTestBase : ManagementTestBase
{
    protected const string Password = "secret-password";

    /// <summary>
    /// A fresh vhost and a user with every permission on it (and none elsewhere). The names are short, so that
    /// RabbitMQ's refusal texts naming both stay within the 255 bytes of a reply text.
    /// </summary>
    protected async Task<(string VirtualHost, string User)> CreateVirtualHostAndUserAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var virtualHost = TrackVirtualHost($"sec-v-{id}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        var user = TrackUser($"sec-u-{id}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/users/{Segment(user)}", new JsonObject { ["password"] = Password, ["tags"] = "" });
        await SetPermissionsAsync(user, virtualHost);
        return (virtualHost, user);
    }

    protected Task<IConnection> ConnectAsAsync(string user, string virtualHost) => ConnectAsync(f =>
    {
        f.UserName = user;
        f.Password = Password;
        f.VirtualHost = virtualHost;
    });

    /// <summary>Opens a connection as the user, which the broker must refuse; returns why.</summary>
    protected async Task<ShutdownEventArgs> RefusedConnectionAsync(string user, string virtualHost)
    {
        try
        {
            // RabbitMQ.Client may hand out the connection before connection.open is answered.
            var connection = await ConnectAsAsync(user, virtualHost);
            await connection.CreateChannelAsync();
        }
        catch (Exception e) when (Chain(e).OfType<OperationInterruptedException>().FirstOrDefault(i => i.ShutdownReason is not null) is { } interrupted)
        {
            return interrupted.ShutdownReason!;
        }

        Assert.Fail($"connecting as '{user}' to vhost '{virtualHost}' should have been refused");
        throw new InvalidOperationException("unreachable");
    }

    protected Task<ApiResponse> PutLimitAsync(string kind, string owner, string name, JsonNode? value) =>
        ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/{kind}-limits/{Segment(owner)}/{name}", new JsonObject { ["value"] = value });

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
