using System.Net;

namespace AmqpBroker.InteropTests.Tls;

/// <summary>
/// The certificate-expiration health check without TLS listeners, as RabbitMQ 3.10.8 answers it (run against it
/// too): nothing can expire, and a bad period is a 400 with its reasons. With TLS listeners see <see cref="TlsTests"/>.
/// </summary>
public sealed class CertificateExpirationEndpointTests : ManagementTestBase
{
    [TestCase("1/days")]
    [TestCase("-3/DAYS")]
    [TestCase("2/Months")]
    public async Task Without_tls_listeners_nothing_expires(string period)
    {
        var response = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/health/checks/certificate-expiration/{period}");

        Assert.That(response.Json!.ToJsonString(), Is.EqualTo("""{"status":"ok"}"""));
    }

    [TestCase("1/fortnights", "Time unit not recognised. Supported units: days, weeks, months, years.")]
    [TestCase("x/days", "Invalid expiration value.")]
    [TestCase("1.5/days", "Invalid expiration value.")]
    public async Task A_bad_period_is_refused_with_rabbitmqs_reason(string period, string reason)
    {
        AssertError(await SendAsync(HttpMethod.Get, $"api/health/checks/certificate-expiration/{period}"), HttpStatusCode.BadRequest, "bad_request", reason);
    }
}
