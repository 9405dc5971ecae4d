using System.Text.Json;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Parameters;

namespace AmqpBroker.Shovel;

/// <summary>A shovel parameter value's fields, with the type checks that collect RabbitMQ's reasons for <see cref="ShovelDefinitionReader"/>.</summary>
internal sealed class ShovelFields(JsonElement value)
{
    private const string UnrecognisedPrefix = "Unrecognised terms ";

    private const int MaxQueueNameBytes = 255;

    private readonly List<IReadOnlyList<string>> _results = [];

    /// <summary>The problems in RabbitMQ's order: proplist puts each key's result before the earlier ones.</summary>
    public IEnumerable<string> Reported => Enumerable.Reverse(_results).SelectMany(result => result);

    /// <summary>One key's problem, in the order the keys are checked.</summary>
    public void Add(string problem) => _results.Add([problem]);

    /// <summary>A nested proplist's problems as one key's result, kept in their own order (flattened in place).</summary>
    public void AddGroup(IReadOnlyList<string> problems) => _results.Add(problems);

    public IEnumerable<JsonProperty> Properties => value.EnumerateObject();

    public bool Has(string key) => Get(key) is not null;

    /// <summary>The key's value, null only when the key is absent: RabbitMQ decodes a JSON null as the atom null, a value
    /// every check refuses (checked on RabbitMQ 3.10.8: <c>src-uri should be list, actually was null</c>).</summary>
    public JsonElement? Get(string key) => value.TryGetProperty(key, out var field) ? field : null;

    public string? String(string key) => Get(key) is { ValueKind: JsonValueKind.String } field ? field.GetString() : null;

    public bool? Boolean(string key) => Get(key) is { ValueKind: JsonValueKind.True or JsonValueKind.False } field ? field.GetBoolean() : null;

    public double? Number(string key) => Get(key) is { ValueKind: JsonValueKind.Number } field ? field.GetDouble() : null;

    public Dictionary<string, object?> Table(string key) =>
        Get(key) is { ValueKind: JsonValueKind.Object } field ? PlainJson.Table(field) : new Dictionary<string, object?>();

    /// <summary>
    /// proplist's reason for keys it does not know (<c>"Unrecognised terms ~p in ~s"</c>, the list at column 19), in key
    /// order as Erlang lists a decoded JSON object's keys.
    /// </summary>
    public static string UnrecognisedTerms(IEnumerable<JsonProperty> unknown, string where)
    {
        var terms = unknown.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => ($"<<\"{p.Name}\">>", ErlangJson.Format(p.Value))).ToList();
        return $"{UnrecognisedPrefix}{ErlangList.PrintPairs(terms, UnrecognisedPrefix.Length)} in {where}";
    }

    /// <summary>The same reason for a JSON list in a proplist's place: none of its elements is a {Key, Value} tuple. Such a
    /// list stays on one line (a list of numbers would fill its lines in Erlang, which <see cref="ErlangList"/> does not).</summary>
    public static string UnrecognisedTerms(JsonElement list, string where) =>
        $"{UnrecognisedPrefix}[{string.Join(',', list.EnumerateArray().Select(ErlangJson.Format))}] in {where}";

    /// <summary>
    /// rabbit_parameter_validation:proplist on a nested value: a map's problems (<paramref name="mapProblems"/>) stand in
    /// its key's place, a non-empty list is a list of unrecognised terms, an empty one passes; <paramref name="other"/>
    /// answers anything else.
    /// </summary>
    public void CheckNested(string key, Func<JsonElement, List<string>> mapProblems, Action<JsonElement> other)
    {
        switch (Get(key))
        {
            case null:
                break;
            case { ValueKind: JsonValueKind.Object } map:
                AddGroup(mapProblems(map));
                break;
            case { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > 0:
                Add(UnrecognisedTerms(list, key));
                break;
            case { ValueKind: JsonValueKind.Array }:
                break;
            case { } value:
                other(value);
                break;
        }
    }

    public void CheckString(string key) => Check(key, JsonValueKind.String, "binary");

    /// <summary>
    /// rabbit_parameter_validation:amqp091_queue_name (dest-queue's check, unchanged v3.10.8 to v4.3.5): a binary of at most
    /// 255 bytes, though its reason says "less than".
    /// </summary>
    public void CheckQueueName(string key)
    {
        if (Get(key) is { ValueKind: JsonValueKind.String } field && System.Text.Encoding.UTF8.GetByteCount(field.GetString()!) is > MaxQueueNameBytes and var size)
        {
            Add($"{key} should be less than 255 bytes, actually was {size}");
            return;
        }

        CheckString(key);
    }

    public void CheckNumber(string key) => Check(key, JsonValueKind.Number, "a number");

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
