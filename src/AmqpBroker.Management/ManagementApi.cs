using AmqpBroker.Core;
using AmqpBroker.Core.Shovels;
using AmqpBroker.Management.FeatureFlags;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Metrics;
using AmqpBroker.Management.Resources;
using AmqpBroker.Management.Statistics;
using AmqpBroker.Management.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management;

/// <summary>
/// The HTTP admin API with RabbitMQ's management paths, verbs, status codes and JSON shapes, and the web page
/// at <c>/</c>. The host registers a <see cref="Broker"/>, calls <see cref="AddManagementApi"/> and
/// <see cref="UseManagementApi"/>, and serves it on its management port. Prometheus metrics
/// (<see cref="UsePrometheusMetrics"/>) need the same services and are served on a port of their own.
/// </summary>
public static class ManagementApi
{
    /// <param name="services">The host's services.</param>
    /// <param name="listeners">The host's bound listeners, read on each request that reports them.</param>
    /// <param name="dataDirectory">Where the broker keeps its data (its free disk space is reported), or null when it keeps everything in memory.</param>
    /// <param name="enableFaultApi">Whether administrators may inject test faults through /api/faults (otherwise those paths are unknown ones).</param>
    public static IServiceCollection AddManagementApi(this IServiceCollection services, Func<IReadOnlyList<ManagementListener>> listeners, string? dataDirectory = null, bool enableFaultApi = false)
    {
        services.AddRouting();
        services.AddSingleton<RouteMethodTable>();
        services.AddSingleton(provider => new RateSampler(provider.GetRequiredService<Broker>()));
        services.AddSingleton<RuntimeMetrics>();
        services.AddSingleton<FeatureFlagStates>();
        services.AddSingleton(provider => new ManagementContext(
            provider.GetRequiredService<Broker>(), listeners, provider.GetRequiredService<RateSampler>(), dataDirectory, provider.GetService<IShovelSupervisor>())
        {
            FaultApiEnabled = enableFaultApi,
        });
        return services;
    }

    /// <summary>
    /// rabbitmq_prometheus's endpoints, answered on the listener whose bound port <paramref name="port"/> reads
    /// and only there (RabbitMQ's management port has no /metrics). Call it before <see cref="UseManagementApi"/>.
    /// </summary>
    public static WebApplication UsePrometheusMetrics(this WebApplication app, Func<int?> port)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(port);
        app.MapWhen(http => http.Connection.LocalPort == port(), PrometheusEndpoints.Serve);
        return app;
    }

    public static WebApplication UseManagementApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Rates are sampled from start, not from the first request that asks for them.
        app.Services.GetRequiredService<RateSampler>();
        app.UseMiddleware<HeadContentLength>();
        app.UseMiddleware<ResponseHeaders>();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseMiddleware<RawPathMiddleware>();
        WebPage.Use(app);
        AuthSettingsResource.Use(app);
        app.UseRouting();
        app.UseMiddleware<AuthenticationMiddleware>();
        OverviewResource.Map(app);
        VirtualHostResource.Map(app);
        VirtualHostProtectionResource.Map(app);
        UserResource.Map(app);
        PermissionResource.Map(app);
        TopicPermissionResource.Map(app);
        LimitResource.Map(app);
        AuthAttemptResource.Map(app);
        PolicyResource.Map(app);
        OperatorPolicyResource.Map(app);
        GlobalParameterResource.Map(app);
        ParameterResource.Map(app);
        ShovelResource.Map(app);
        DefinitionResource.Map(app);
        ExchangeResource.Map(app);
        RoutingTestResource.Map(app);
        QueueResource.Map(app);
        QueueMoveResource.Map(app);
        BindingResource.Map(app);
        ConnectionResource.Map(app);
        ChannelResource.Map(app);
        ConsumerResource.Map(app);
        HealthResource.Map(app);
        FeatureFlagResource.Map(app);
        var nodeApi = app.Services.GetRequiredService<Broker>().Settings.Profile.NodeApi;
        ProtocolListenerCheck.Map(app, nodeApi);
        ReleaseHealthChecks.Map(app, nodeApi);
        NodeOperationResource.Map(app, nodeApi);
        NodeMemoryResource.Map(app);
        RecordingResource.Map(app);
        if (app.Services.GetRequiredService<ManagementContext>().FaultApiEnabled)
        {
            FaultResource.Map(app);
        }

        app.Services.GetRequiredService<RouteMethodTable>().MapOtherMethods(app);
        app.UseEndpoints(_ => { });
        // Reached only when no route matched the path.
        app.Run(AllowedMethods.UnknownPathAsync);
        return app;
    }
}
