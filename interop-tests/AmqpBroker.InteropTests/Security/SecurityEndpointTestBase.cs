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

    /// <summary>
    /// Opens a connection as the user, which the broker must refuse; returns why. RabbitMQ counts a connection towards a
    /// limit once its connection tracking has handled the connection's creation event, which lags under load (seen with
    /// 3.10.8 under the whole suite), so against it an accepted attempt is closed and tried again until <see cref="BrokerTestBase.Timeout"/>;
    /// ours counts at once, so in-process the first attempt must be refused.
    /// </summary>
    protected async Task<ShutdownEventArgs> RefusedConnectionAsync(string user, string virtualHost)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            IConnection accepted;
            try
            {
                // RabbitMQ.Client may hand out the connection before connection.open is answered.
                accepted = await ConnectAsAsync(user, virtualHost);
                await accepted.CreateChannelAsync();
            }
            catch (Exception e) when (Chain(e).OfType<OperationInterruptedException>().FirstOrDefault(i => i.ShutdownReason is not null) is { } interrupted)
            {
                return interrupted.ShutdownReason!;
            }

            if (!IsExternal || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"connecting as '{user}' to vhost '{virtualHost}' should have been refused");
            }

            await accepted.CloseAsync();
            await Task.Delay(50);
        }
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
