using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// The product name is AmqpBroker unless the settings ask for RabbitMQ's, for clients that switch features on
/// it; the version stays the profile's either way. In-process only: the setting is this broker's.
/// </summary>
[Releases("4.2")]
[OwnBrokerOnly("the product setting is this broker's")]
public sealed class ProductSettingTests : ManagementTestBase
{
    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Settings = options.Settings with { Product = "RabbitMQ" };
        return options;
    }

    [Test]
    public async Task Clients_and_the_admin_api_see_RabbitMQ_with_the_releases_version()
    {
        var connection = await ConnectAsync();
        var overview = await GetJsonAsync("api/overview");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["product"]!), Is.EqualTo("RabbitMQ"));
            Assert.That(Encoding.UTF8.GetString((byte[])connection.ServerProperties!["version"]!), Is.EqualTo("4.2.9"));
            Assert.That(overview["product_name"]!.GetValue<string>(), Is.EqualTo("RabbitMQ"));
            Assert.That(overview["product_version"]!.GetValue<string>(), Is.EqualTo("4.2.9"));
        }
    }
}
