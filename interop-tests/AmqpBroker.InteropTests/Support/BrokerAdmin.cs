using System.Net.Http.Headers;
using System.Net.Http.Json;
using AmqpBroker.Core;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// The administration the security and policy tests need (users, permissions, vhosts, policies): on the
/// in-process broker through <see cref="Broker"/>, on an external RabbitMQ through its management HTTP API
/// at <c>MANAGEMENT_URI</c> (e.g. http://127.0.0.1:15682), with the credentials of <c>AMQP_URI</c>.
/// </summary>
internal sealed class BrokerAdmin : IDisposable
{
    private readonly Broker? _broker;
    private readonly HttpClient? _http;

    private BrokerAdmin(Broker? broker, HttpClient? http)
    {
        _broker = broker;
        _http = http;
    }

    public static string? ManagementUri => Environment.GetEnvironmentVariable("MANAGEMENT_URI") is { Length: > 0 } uri ? uri : null;

    /// <summary>An admin for the in-process <paramref name="broker"/>, or for the external one; null when an external broker has no MANAGEMENT_URI.</summary>
    public static BrokerAdmin? Create(Broker? broker, Uri amqpUri)
    {
        if (broker is not null)
        {
            return new BrokerAdmin(broker, null);
        }

        if (ManagementUri is not { } management)
        {
            return null;
        }

        var http = new HttpClient { BaseAddress = new Uri(management), Timeout = BrokerTestBase.Timeout };
        var credentials = Uri.UnescapeDataString(amqpUri.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return new BrokerAdmin(null, http);
    }

    public async Task AddUserAsync(string name, string password)
    {
        if (_broker is not null)
        {
            _broker.PutUser(new User(name, PasswordHasher.Hash(password), []));
            return;
        }

        await PutAsync($"users/{Escape(name)}", new { password, tags = "" });
    }

    public async Task DeleteUserAsync(string name)
    {
        if (_broker is not null)
        {
            _broker.DeleteUser(name);
            return;
        }

        await DeleteAsync($"users/{Escape(name)}");
    }

    /// <summary>Adds a vhost. RabbitMQ's HTTP API also grants the acting user every permission on it; the broker API grants none.</summary>
    public async Task AddVirtualHostAsync(string name)
    {
        if (_broker is not null)
        {
            _broker.AddVirtualHost(name);
            return;
        }

        await PutAsync($"vhosts/{Escape(name)}", new { });
    }

    public async Task DeleteVirtualHostAsync(string name)
    {
        if (_broker is not null)
        {
            _broker.DeleteVirtualHost(name);
            return;
        }

        await DeleteAsync($"vhosts/{Escape(name)}");
    }

    public async Task SetPermissionsAsync(string user, string virtualHost, string configure, string write, string read)
    {
        if (_broker is not null)
        {
            _broker.SetPermission(new Permission(user, virtualHost, configure, write, read));
            return;
        }

        await PutAsync($"permissions/{Escape(virtualHost)}/{Escape(user)}", new { configure, write, read });
    }

    public async Task ClearPermissionsAsync(string user, string virtualHost)
    {
        if (_broker is not null)
        {
            _broker.ClearPermission(user, virtualHost);
            return;
        }

        await DeleteAsync($"permissions/{Escape(virtualHost)}/{Escape(user)}");
    }

    public async Task PutPolicyAsync(string virtualHost, string name, string pattern, PolicyApplyTo applyTo, int priority, Dictionary<string, object?> definition)
    {
        if (_broker is not null)
        {
            _broker.PutPolicy(new Policy(virtualHost, name, pattern, applyTo, priority, definition));
            return;
        }

        var applyToText = applyTo.ToString().ToLowerInvariant();
        await PutAsync($"policies/{Escape(virtualHost)}/{Escape(name)}", new Dictionary<string, object?>
        {
            ["pattern"] = pattern,
            ["apply-to"] = applyToText,
            ["priority"] = priority,
            ["definition"] = definition,
        });
    }

    public async Task DeletePolicyAsync(string virtualHost, string name)
    {
        if (_broker is not null)
        {
            _broker.DeletePolicy(virtualHost, name);
            return;
        }

        await DeleteAsync($"policies/{Escape(virtualHost)}/{Escape(name)}");
    }

    public void Dispose() => _http?.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task PutAsync(string path, object body)
    {
        using var response = await _http!.PutAsJsonAsync("api/" + path, body);
        Assert.That(response.IsSuccessStatusCode, Is.True, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Deletes; what is already gone counts as deleted, so clean-ups may repeat a test's own deletes.</summary>
    private async Task DeleteAsync(string path)
    {
        using var response = await _http!.DeleteAsync("api/" + path);
        Assert.That(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.NotFound, Is.True, $"DELETE {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
