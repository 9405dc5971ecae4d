using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>A fixture whose tests each start an <see cref="ApiTestServer"/> on one release's profile, stopped after the test.</summary>
public abstract class ReleaseServerTest
{
    /// <summary>The server the test started, or null before <see cref="StartAsync"/>.</summary>
    private protected ApiTestServer? Server { get; private set; }

    [TearDown]
    public async Task StopServerAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
            Server = null;
        }
    }

    /// <summary>Starts the server on <paramref name="release"/>'s profile; returns a client logged in as guest (an administrator).</summary>
    private protected async Task<HttpClient> StartAsync(string release)
    {
        Server = await ApiTestServer.StartAsync(VersionProfile.For(RabbitMqRelease.Parse(release)));
        return Server.Client("guest", "guest");
    }
}
