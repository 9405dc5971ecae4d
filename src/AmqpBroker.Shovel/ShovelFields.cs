using System.Text.Json;
using AmqpBroker.Core.Parameters;

namespace AmqpBroker.Shovel;

/// <summary>A shovel parameter value's fields, with the type checks that collect RabbitMQ's reasons for <see cref="ShovelDefinitionReader"/>.</summary>
internal sealed class ShovelFields(JsonElement value)
{
    private readonly List<IReadOnlyList<string>> _results = [];

    /// <summary>The problems in RabbitMQ's order: proplist puts each key's result before the earlier ones.</summary>
    public IEnumerable<string> Reported => Enumerable.Reverse(_results).SelectMany(result => result);

    /// <summary>One key's problem, in the order the keys are checked.</summary>
    public void Add(string problem) => _results.Add([problem]);

    /// <summary>A nested proplist's problems as one key's result, kept in their own order (flattened in place).</summary>
    public void AddGroup(IReadOnlyList<string> problems) => _results.Add(problems);

    public IEnumerable<JsonProperty> Properties => value.EnumerateObject();

    public bool Has(string key) => Get(key) is not null;

    public JsonElement? Get(string key) => value.TryGetProperty(key, out var field) && field.ValueKind != JsonValueKind.Null ? field : null;

    public string? String(string key) => Get(key) is { ValueKind: JsonValueKind.String } field ? field.GetString() : null;

    public bool? Boolean(string key) => Get(key) is { ValueKind: JsonValueKind.True or JsonValueKind.False } field ? field.GetBoolean() : null;

    public double? Number(string key) => Get(key) is { ValueKind: JsonValueKind.Number } field ? field.GetDouble() : null;

    public Dictionary<string, object?> Table(string key) =>
        Get(key) is { ValueKind: JsonValueKind.Object } field ? PlainJson.Table(field) : new Dictionary<string, object?>();

    public void CheckString(string key) => Check(key, JsonValueKind.String, "binary");

    public void CheckNumber(string key) => Check(key, JsonValueKind.Number, "a number");

    public void CheckObject(string key) => Check(key, JsonValueKind.Object, "a map");

    public void CheckBoolean(string key)
    {
        if (Get(key) is { } field && field.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add($"{key} should be boolean, actually was {ErlangJson.Format(field)}");
        }
    }

    /// <summary>rabbit_parameter_validation:enum: a string, one of <paramref name="allowed"/>.</summary>
    public void CheckEnum(string key, string[] allowed)
    {
        if (Get(key) is not { } field)
        {
            return;
        }

        if (field.ValueKind != JsonValueKind.String)
        {
            CheckString(key);
        }
        else if (!allowed.Contains(field.GetString()))
        {
            var list = string.Join(',', allowed.Select(a => $"<<\"{a}\">>"));
            Add($"{key} should be one of [{list}], actually was {ErlangJson.Format(field)}");
        }
    }

    private void Check(string key, JsonValueKind kind, string what)
    {
        if (Get(key) is { } field && field.ValueKind != kind)
        {
            Add($"{key} should be {what}, actually was {ErlangJson.Format(field)}");
        }
    }
}
