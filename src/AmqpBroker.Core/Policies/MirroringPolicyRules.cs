using AmqpBroker.Core.Arguments;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// RabbitMQ's checks of the classic mirroring keys (<c>ha-mode</c> and friends). A single node mirrors
/// nothing, but definitions exported from RabbitMQ carry these keys, so they are validated as RabbitMQ
/// validates them and then ignored.
/// </summary>
internal static class MirroringPolicyRules
{
    private static readonly string[] DependentKeys = ["ha-params", "ha-sync-mode", "ha-sync-batch-size", "ha-promote-on-shutdown", "ha-promote-on-failure"];

    public static bool IsMirroringKey(string key) => key == "ha-mode" || DependentKeys.Contains(key);

    public static void Check(IReadOnlyDictionary<string, object?> definition)
    {
        if (!definition.TryGetValue("ha-mode", out var mode))
        {
            if (DependentKeys.Any(definition.ContainsKey))
            {
                throw new PolicyValidationException("ha-mode must be specified to specify ha-params, ha-sync-mode or ha-promote-on-shutdown");
            }

            return;
        }

        CheckMode(mode, definition.TryGetValue("ha-params", out var parameters), parameters);
        if (definition.TryGetValue("ha-sync-mode", out var syncMode) && syncMode is not ("manual" or "automatic"))
        {
            throw new PolicyValidationException($"ha-sync-mode must be \"manual\" or \"automatic\", got {ErlangTerms.FormatJson(syncMode)}");
        }

        if (definition.TryGetValue("ha-sync-batch-size", out var batchSize) && !(IntegerValues.TryGet(batchSize, out var size) && size > 0))
        {
            throw new PolicyValidationException($"ha-sync-batch-size takes an integer greater than 0, {ErlangTerms.FormatJson(batchSize)} given");
        }

        foreach (var key in (string[])["ha-promote-on-shutdown", "ha-promote-on-failure"])
        {
            if (definition.TryGetValue(key, out var promote) && promote is not ("always" or "when-synced"))
            {
                throw new PolicyValidationException($"{key} must be \"always\" or \"when-synced\", got {ErlangTerms.FormatJson(promote)}");
            }
        }
    }

    private static void CheckMode(object? mode, bool hasParameters, object? parameters)
    {
        switch (mode)
        {
            case "all" when hasParameters:
                throw new PolicyValidationException("ha-mode=\"all\" does not take parameters");
            case "all":
                return;
            case "exactly" when !hasParameters:
                throw new PolicyValidationException("ha-mode=\"exactly\" takes an integer, none given");
            case "exactly" when !(IntegerValues.TryGet(parameters, out var count) && count > 0):
                throw new PolicyValidationException($"ha-mode=\"exactly\" takes an integer, {ErlangTerms.FormatJson(parameters)} given");
            case "exactly":
                return;
            case "nodes" when !hasParameters:
                throw new PolicyValidationException("ha-mode=\"nodes\" takes a list, none given");
            case "nodes":
                CheckNodes(parameters);
                return;
            default:
                throw new PolicyValidationException($"{ErlangTerms.FormatJson(mode)} is not a valid ha-mode value");
        }
    }

    private static void CheckNodes(object? parameters)
    {
        if (parameters is not IReadOnlyList<object?> nodes)
        {
            throw new PolicyValidationException($"ha-mode=\"nodes\" takes a list, {ErlangTerms.FormatJson(parameters)} given");
        }

        if (nodes.Count == 0)
        {
            throw new PolicyValidationException("ha-mode=\"nodes\" list must be non-empty");
        }

        if (nodes.Any(n => n is not string))
        {
            throw new PolicyValidationException($"ha-mode=\"nodes\" takes a list of strings, {ErlangTerms.FormatJson(parameters)} was not a string");
        }
    }
}
