using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Management.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Management.Tests.Http;

/// <summary>
/// The management API alone on Kestrel (a free loopback port) over an in-memory broker (the default profile unless
/// told otherwise), with guest as administrator, a user per lesser tag (<c>sweep-management</c>, …, <c>sweep-none</c>,
/// password <see cref="Password"/>, no permissions), and the error-level log entries it wrote. A test may also give
/// the broker a clock and a message store.
/// </summary>
internal sealed class ApiTestServer : IAsyncDisposable
{
    public const string Password = "sweep-secret";

    private readonly Broker _broker;
    private readonly CapturingLogs _logs;

    private ApiTestServer(Broker broker, WebApplication app, CapturingLogs logs, Uri address)
    {
        _broker = broker;
        App = app;
        _logs = logs;
        Address = address;
    }

    public WebApplication App { get; }

    /// <summary>The broker behind the API, for what the API cannot set up (e.g. a parameter component).</summary>
    public Broker Broker => _broker;

    public Uri Address { get; }

    public IReadOnlyCollection<string> Errors => _logs.Errors;

    /// <param name="profile">The broker's profile; the default one when null.</param>
    /// <param name="time">The broker's clock; the system's when null.</param>
    /// <param name="messages">Where persistent messages go; nowhere when null.</param>
    public static async Task<ApiTestServer> StartAsync(VersionProfile? profile = null, TimeProvider? time = null, IMessageStore? messages = null)
    {
        var broker = new Broker(new BrokerSettings { Profile = profile ?? VersionProfile.Default }, time ?? TimeProvider.System, messages: messages);
        broker.PutUser(new User("guest", PasswordHasher.Hash("guest"), ["administrator"]));
        foreach (var tag in new[] { "management", "policymaker", "monitoring", "none" })
        {
            broker.PutUser(new User($"sweep-{tag}", PasswordHasher.Hash(Password), tag == "none" ? [] : [tag]));
        }

        var logs = new CapturingLogs();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton(broker);
        builder.Services.AddManagementApi(() => []);
        var app = builder.Build();
        app.UseManagementApi();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return new ApiTestServer(broker, app, logs, address);
    }

    /// <summary>The pattern with "/" for every vhost, a name made for the sweep elsewhere, and <paramref name="odd"/> in slot <paramref name="oddSlot"/>.</summary>
    public static string Fill(string pattern, int oddSlot, string odd)
    {
        var path = new StringBuilder();
        var slot = 0;
        foreach (var segment in pattern.TrimStart('/').Split('/'))
        {
            path.Append('/');
            if (!segment.StartsWith('{'))
            {
                path.Append(segment);
                continue;
            }

            var name = segment.Trim('{', '}', '*').Split(':')[0];
            path.Append(slot++ == oddSlot ? odd : name == "vhost" ? "%2F" : $"sweep-{name}");
        }

        return path.ToString().TrimStart('/');
    }

    /// <summary>
    /// Every registered API route: its method, pattern and the tag it needs. HEAD, which every GET route also answers
    /// (with no body), is left out; RouteSweepTests sweeps it.
    /// </summary>
    public List<(string Method, string Pattern, Access Access)> Routes() =>
    [
        .. App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.OfType<Access>().Any())
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods
                .Where(m => m != HttpMethods.Head)
                .Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.OfType<Access>().Single())))
            .OrderBy(r => r.Item2, StringComparer.Ordinal),
    ];

    public HttpClient Client(string user, string password)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        _broker.Dispose();
    }

    /// <summary>The error and critical entries logged (an unexpected exception becomes one).</summary>
    private sealed class CapturingLogs : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _errors = new();

        public IReadOnlyCollection<string> Errors => _errors;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                _errors.Enqueue($"{formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}
