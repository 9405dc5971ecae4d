using System.Globalization;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>Turns the spec's lower-case, dash-separated names into C# identifiers.</summary>
internal static class Naming
{
    // Words the spec runs together that read better split.
    private static readonly Dictionary<string, string> WordOverrides = new(StringComparer.Ordinal)
    {
        ["nowait"] = "NoWait",
    };

    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit",
        "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int",
        "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed",
        "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try",
        "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>"recover-async" → "RecoverAsync", "CONTENT-TOO-LARGE" → "ContentTooLarge".</summary>
    public static string Pascal(string specName) => string.Concat(
        specName.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(PascalWord));

    /// <summary>A local variable name: camelCase, escaped with @ when it is a keyword.</summary>
    public static string Local(string specName)
    {
        var pascal = Pascal(specName);
        var camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
        return CSharpKeywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>A backing field name: "_" plus camelCase (never a keyword because of the underscore).</summary>
    public static string BackingField(string specName)
    {
        var pascal = Pascal(specName);
        return "_" + char.ToLowerInvariant(pascal[0]) + pascal[1..];
    }

    public static string TypeName(string className, string methodName) => Pascal(className) + Pascal(methodName);

    /// <summary>The dotted name RabbitMQ logs, e.g. "basic.publish".</summary>
    public static string SpecName(string className, string methodName) => className + "." + methodName;

    private static string PascalWord(string word)
    {
        var lower = word.ToLowerInvariant();
        if (WordOverrides.TryGetValue(lower, out var overridden))
        {
            return overridden;
        }

        return char.ToUpper(lower[0], CultureInfo.InvariantCulture) + lower[1..];
    }
}
