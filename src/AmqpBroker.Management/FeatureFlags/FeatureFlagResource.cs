using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.FeatureFlags;

/// <summary>
/// <c>/api/feature-flags</c> and <c>/api/feature-flags/{name}/enable</c> (rabbit_mgmt_wm_feature_flags and
/// rabbit_mgmt_wm_feature_flag_enable at v3.10.8 to v4.3.5), and from 3.13 <c>/api/deprecated-features</c> and
/// <c>/api/deprecated-features/used</c> (rabbit_mgmt_wm_deprecated_features), each as the profile's release has them.
/// </summary>
internal static class FeatureFlagResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var api = routes.ServiceProvider.GetRequiredService<ManagementContext>().Broker.Settings.Profile.FeatureFlagApi;
        var states = routes.ServiceProvider.GetRequiredService<FeatureFlagStates>();
        var listAccess = api.HasFlag(FeatureFlagApi.ListedToManagementUsers) ? Access.Management : Access.Administrator;
        routes.Get("/api/feature-flags", listAccess, request =>
            request.ListAsync(FeatureFlagTable.Of(request.Broker.Settings.Profile.Release).Select(flag => Flag(flag, states, api))));
        routes.Put("/api/feature-flags/{name}/enable", Access.Administrator, request => Enable(request, states));
        if (api.HasFlag(FeatureFlagApi.DeprecatedFeatures))
        {
            routes.Get("/api/deprecated-features", Access.Management, request =>
                request.ListAsync(DeprecatedFeatureTable.Of(request.Broker.Settings.Profile.Release).Select(feature => Deprecated(feature, request.Broker, api))));
            routes.Get("/api/deprecated-features/used", Access.Management, request =>
                request.ListAsync(DeprecatedFeatureTable.Of(request.Broker.Settings.Profile.Release).Where(feature => IsUsed(feature, request.Broker, states))
                    .Select(feature => Deprecated(feature, request.Broker, FeatureFlagApi.None))));
        }
    }

    /// <summary>
    /// A flag as rabbit_ff_extra:cli_info shows it; from 4.1 with its levels (rabbit_feature_flags:get_require_level, none
    /// unless required, soft unless set; get_experiment_level, supported unless experimental, unsupported unless set).
    /// </summary>
    private static JsonObject Flag(FeatureFlagTable.Row flag, FeatureFlagStates states, FeatureFlagApi api)
    {
        var stability = flag.Stability.Split('/');
        var json = new JsonObject
        {
            ["name"] = flag.Name,
            ["desc"] = flag.Desc,
            ["doc_url"] = flag.DocUrl,
            ["state"] = states.IsEnabled(flag) ? "enabled" : "disabled",
            ["stability"] = stability[0],
        };
        if (api.HasFlag(FeatureFlagApi.Levels))
        {
            var level = stability.Length > 1 ? stability[1] : null;
            json["require_level"] = stability[0] == "required" ? level ?? "soft" : "none";
            json["experiment_level"] = stability[0] == "experimental" ? level ?? "unsupported" : "supported";
            json["callbacks"] = new JsonArray([.. flag.Callbacks.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => JsonValue.Create(c))]);
        }

        json["provided_by"] = flag.ProvidedBy;
        return json;
    }

    /// <summary>
    /// 204 for a flag the release has (rabbit_feature_flags:enable answers ok, also for one already enabled); 400
    /// <c>unsupported</c> for any other name (list_to_existing_atom fails, or the registry does not know it; checked with
    /// curl against RabbitMQ 3.10.8). The body must be declared JSON (content_types_accepted), else 415.
    /// </summary>
    private static Task Enable(ApiRequest request, FeatureFlagStates states)
    {
        if (!request.DeclaresContentType("application/json"))
        {
            return Task.CompletedTask;
        }

        var name = request.Route("name");
        if (!FeatureFlagTable.Of(request.Broker.Settings.Profile.Release).Any(flag => flag.Name == name))
        {
            throw ApiException.BadRequest("unsupported");
        }

        states.Enable(name);
        request.NoContent();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A deprecated feature as rabbit_depr_ff_extra:cli_info0 shows it: an Erlang map, so its keys in sorted order; from
    /// 4.3 with <c>state</c> in the full list only.
    /// </summary>
    private static JsonObject Deprecated(DeprecatedFeatureTable.Row feature, Broker broker, FeatureFlagApi api)
    {
        var json = new JsonObject
        {
            ["deprecation_phase"] = feature.Phase,
            ["desc"] = "",
            ["doc_url"] = feature.DocUrl,
            ["name"] = feature.Name,
            ["provided_by"] = feature.ProvidedBy,
        };
        if (api.HasFlag(FeatureFlagApi.DeprecatedFeatureState))
        {
            json["state"] = IsPermitted(feature, broker) ? "permitted" : "denied";
        }

        return json;
    }

    /// <summary>The two features the broker models follow their settings (<see cref="DeprecatedFeature"/>); the others their phase.</summary>
    private static bool IsPermitted(DeprecatedFeatureTable.Row feature, Broker broker) => feature.Name switch
    {
        DeprecatedFeature.TransientNonExclusiveQueues => DeprecatedFeature.TransientNonExclusiveQueuesOf(broker.Settings).IsPermitted,
        DeprecatedFeature.GlobalQos => DeprecatedFeature.GlobalQosOf(broker.Settings).IsPermitted,
        _ => feature.PermittedByDefault,
    };

    /// <summary>
    /// Whether the feature is in use, as its <c>is_feature_used</c> callback tells; one without that callback is never
    /// listed (rabbit_deprecated_features:list(used)). transient_nonexcl_queues (4.0+): a queue neither durable nor
    /// exclusive exists (rabbit_amqqueue:are_transient_nonexcl_used at v4.0.9). classic_queue_mirroring: a policy or
    /// operator policy sets <c>ha-mode</c>, unless the node runs on Khepri (rabbit_mirror_queue_misc:are_cmqs_used at
    /// v3.13.7 and v4.0.9), which a fresh node does from 4.2, where khepri_db is stable.
    /// </summary>
    private static bool IsUsed(DeprecatedFeatureTable.Row feature, Broker broker, FeatureFlagStates states) => feature.UseIsTracked && feature.Name switch
    {
        DeprecatedFeature.TransientNonExclusiveQueues => broker.VirtualHosts.SelectMany(v => v.Queues).Any(q => !q.Definition.Durable && !q.Definition.Exclusive),
        "classic_queue_mirroring" => !KhepriEnabled(broker, states)
            && broker.VirtualHosts.SelectMany(v => v.Policies.Concat(v.OperatorPolicies)).Any(p => p.Definition.ContainsKey("ha-mode")),
        _ => false,
    };

    private static bool KhepriEnabled(Broker broker, FeatureFlagStates states) =>
        FeatureFlagTable.Of(broker.Settings.Profile.Release).FirstOrDefault(flag => flag.Name == "khepri_db") is { } khepri && states.IsEnabled(khepri);
}
