using System.Net;
using AmqpBroker.Core.Alarms;

namespace AmqpBroker.InteropTests.Management;

/// <summary>RabbitMQ's health checks: 200 {"status":"ok"} when healthy, 503 {"status":"failed",…} when not.</summary>
[NonParallelizable]
public sealed class HealthEndpointTests : ManagementTestBase
{
    [TestCase("api/health/checks/alarms")]
    [TestCase("api/health/checks/local-alarms")]
    [TestCase("api/health/checks/virtual-hosts")]
    [TestCase("api/aliveness-test/%2F")]
    public async Task Checks_pass_on_a_healthy_broker(string path)
    {
        // The aliveness test leaves its queue behind, as RabbitMQ's does; remove it after the test.
        Track("aliveness-test");
        var response = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, path);
        Assert.That(response.Json!["status"]!.GetValue<string>(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_raised_alarm_fails_the_alarm_checks_with_503_until_it_clears()
    {
        if (IsExternal)
        {
            Assert.Ignore("raising an alarm needs the in-process broker");
        }

        Host!.Broker.Alarm.Raise(AlarmResource.Memory);
        try
        {
            foreach (var path in new[] { "api/health/checks/alarms", "api/health/checks/local-alarms" })
            {
                var failed = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, path);
                Assert.That(failed.Json!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
                Assert.That(failed.Json!["reason"]!.GetValue<string>(), Does.StartWith("There are alarms in effect"));
                Assert.That(failed.Json!["alarms"]![0]!["resource"]!.GetValue<string>(), Is.EqualTo("memory"));
            }
        }
        finally
        {
            Host.Broker.Alarm.Clear(AlarmResource.Memory);
        }

        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/health/checks/alarms");
    }

    [Test]
    public async Task Port_listener_knows_the_AMQP_port_and_reports_others_as_missing()
    {
        var ok = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/health/checks/port-listener/{AmqpUri.Port}");
        Assert.That(ok.Json!["port"]!.GetValue<int>(), Is.EqualTo(AmqpUri.Port));

        var missing = await ExpectAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, "api/health/checks/port-listener/1");
        Assert.That(missing.Json!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(missing.Json!["missing"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(missing.Json!["ports"]!.AsArray().Select(p => p!.GetValue<int>()), Does.Contain(AmqpUri.Port));

        AssertError(await SendAsync(HttpMethod.Get, "api/health/checks/port-listener/abc"), HttpStatusCode.BadRequest, "bad_request", "Invalid port");
    }

    [Test]
    public async Task Aliveness_test_of_an_unknown_vhost_is_404()
    {
        AssertError(await SendAsync(HttpMethod.Get, $"api/aliveness-test/nosuch-{Guid.NewGuid():N}"), HttpStatusCode.NotFound, "Object Not Found");
    }
}
