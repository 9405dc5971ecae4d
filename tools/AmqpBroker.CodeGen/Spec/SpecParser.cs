using System.Text.Json;

namespace AmqpBroker.CodeGen.Spec;

/// <summary>Reads the RabbitMQ-style AMQP spec JSON (amqp-rabbitmq-0.9.1.json) into <see cref="AmqpSpec"/>.</summary>
internal static class SpecParser
{
    public static AmqpSpec Parse(string specJson)
    {
        using var document = JsonDocument.Parse(specJson);
        var root = document.RootElement;

        var domains = ReadDomains(root);
        var constants = root.TryGetProperty("constants", out var constantsElement)
            ? constantsElement.EnumerateArray().Select(ReadConstant).ToList()
            : [];
        var classes = root.GetProperty("classes").EnumerateArray().Select(c => ReadClass(c, domains)).ToList();
        var copyright = root.TryGetProperty("copyright", out var copyrightElement)
            ? string.Concat(copyrightElement.EnumerateArray().Select(line => line.GetString()))
            : string.Empty;

        return new AmqpSpec(copyright, constants, classes);
    }

    private static Dictionary<string, AmqpType> ReadDomains(JsonElement root)
    {
        var domains = new Dictionary<string, AmqpType>(StringComparer.Ordinal);
        if (root.TryGetProperty("domains", out var domainsElement))
        {
            foreach (var pair in domainsElement.EnumerateArray())
            {
                var name = pair[0].GetString()!;
                domains[name] = ParseType(pair[1].GetString()!, $"domain '{name}'");
            }
        }

        return domains;
    }

    private static SpecConstant ReadConstant(JsonElement element) => new(
        element.GetProperty("name").GetString()!,
        element.GetProperty("value").GetInt32(),
        element.TryGetProperty("class", out var errorClass) ? errorClass.GetString() : null);

    private static SpecClass ReadClass(JsonElement element, Dictionary<string, AmqpType> domains)
    {
        var name = element.GetProperty("name").GetString()!;
        var methods = element.GetProperty("methods").EnumerateArray()
            .Select(m => ReadMethod(m, name, domains))
            .ToList();
        return new SpecClass(name, element.GetProperty("id").GetUInt16(), methods);
    }

    private static SpecMethod ReadMethod(JsonElement element, string className, Dictionary<string, AmqpType> domains)
    {
        var name = element.GetProperty("name").GetString()!;
        var fields = element.GetProperty("arguments").EnumerateArray()
            .Select(a => ReadField(a, $"{className}.{name}", domains))
            .ToList();
        return new SpecMethod(
            name,
            element.GetProperty("id").GetUInt16(),
            IsTrue(element, "content"),
            IsTrue(element, "synchronous"),
            fields);
    }

    private static SpecField ReadField(JsonElement element, string methodName, Dictionary<string, AmqpType> domains)
    {
        var name = element.GetProperty("name").GetString()!;
        var where = $"argument '{name}' of {methodName}";

        // An argument names either its primitive type directly or a domain that resolves to one.
        if (element.TryGetProperty("type", out var type))
        {
            return new SpecField(name, ParseType(type.GetString()!, where));
        }

        var domain = element.GetProperty("domain").GetString()!;
        return domains.TryGetValue(domain, out var resolved)
            ? new SpecField(name, resolved)
            : throw new InvalidDataException($"{where} uses unknown domain '{domain}'");
    }

    private static bool IsTrue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    private static AmqpType ParseType(string type, string where) => type switch
    {
        "octet" => AmqpType.Octet,
        "short" => AmqpType.Short,
        "long" => AmqpType.Long,
        "longlong" => AmqpType.LongLong,
        "bit" => AmqpType.Bit,
        "shortstr" => AmqpType.ShortString,
        "longstr" => AmqpType.LongString,
        "timestamp" => AmqpType.Timestamp,
        "table" => AmqpType.Table,
        _ => throw new InvalidDataException($"{where} has unknown type '{type}'"),
    };
}
