namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// A fixture that administers its broker (users, vhosts, permissions, policies) through <see cref="BrokerAdmin"/>.
/// Against an external broker without <c>MANAGEMENT_URI</c> its tests are ignored, since nothing could set them up.
/// </summary>
public abstract class SecurityTestBase : BrokerTestBase
{
    private BrokerAdmin? _admin;

    private protected BrokerAdmin Admin => _admin ?? throw new InvalidOperationException("no admin: the fixture is ignored");

    [OneTimeSetUp]
    public void CreateAdmin() => _admin = BrokerAdmin.Create(Host?.Broker, AmqpUri);

    [OneTimeTearDown]
    public void DisposeAdmin() => _admin?.Dispose();

    [SetUp]
    public void RequireAdmin()
    {
        if (_admin is null)
        {
            Assert.Ignore("against an external broker these tests need its management API: set MANAGEMENT_URI (e.g. http://127.0.0.1:15672)");
        }
    }

    /// <summary>A connection as <paramref name="user"/> to <paramref name="virtualHost"/>, disposed after the test.</summary>
    protected Task<IConnection> ConnectAsAsync(string user, string password, string virtualHost = "/") =>
        ConnectAsync(f =>
        {
            f.UserName = user;
            f.Password = password;
            f.VirtualHost = virtualHost;
        });

    /// <summary>Opens a connection as the user and returns the shutdown reason the broker refused it with.</summary>
    protected async Task<ShutdownEventArgs> RefusedConnectionAsync(string user, string password, string virtualHost)
    {
        try
        {
            // RabbitMQ.Client may hand out the connection before connection.open is answered: a refusal
            // surfaces on the first request after it.
            var connection = await ConnectAsAsync(user, password, virtualHost);
            await connection.CreateChannelAsync();
        }
        catch (Exception e) when (Chain(e).OfType<OperationInterruptedException>().FirstOrDefault(i => i.ShutdownReason is not null) is { } interrupted)
        {
            return interrupted.ShutdownReason!;
        }

        Assert.Fail($"connecting as '{user}' to vhost '{virtualHost}' should have been refused");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Waits until the connection is closed by the broker and returns why.</summary>
    protected static async Task<ShutdownEventArgs> ClosedByBrokerAsync(IConnection connection)
    {
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };
        if (connection.CloseReason is { } reason)
        {
            closed.TrySetResult(reason);
        }

        return await closed.Task.WaitAsync(Timeout);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
