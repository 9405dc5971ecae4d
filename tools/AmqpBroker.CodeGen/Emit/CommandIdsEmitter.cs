using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>
/// Emits <c>CommandIds.g.cs</c>: a constant per method for switch dispatch, and <c>CommandInfo</c> with the
/// spec's name and content flag per command id.
/// </summary>
internal static class CommandIdsEmitter
{
    public static (string FileName, string Content) Emit(AmqpSpec spec)
    {
        var methods = spec.Classes
            .SelectMany(c => c.Methods.Select(m => (
                Id: Naming.TypeName(c.Name, m.Name),
                SpecName: Naming.SpecName(c.Name, m.Name),
                ClassId: c.Id,
                Method: m)))
            .ToList();

        var code = new CodeWriter();
        FileHeader.Write(code, spec.Copyright, "System.Globalization");

        code.Line("/// <summary><c>(ClassId &lt;&lt; 16) | MethodId</c> of every method, for switch dispatch on one key.</summary>");
        code.OpenBlock("public static class CommandIds");
        for (var i = 0; i < methods.Count; i++)
        {
            var (id, specName, classId, method) = methods[i];
            if (i > 0)
            {
                code.Line();
            }

            code.Line($"/// <summary><c>{specName}</c></summary>");
            code.Line($"public const uint {id} = ({classId}u << 16) | {method.Id};");
        }

        code.CloseBlock();
        code.Line();

        code.Line("/// <summary>What the spec says about a command id: its name and whether content frames follow it.</summary>");
        code.OpenBlock("public static class CommandInfo");

        code.Line("/// <summary>The spec's name, e.g. \"basic.publish\"; \"unknown (class,method)\" for other ids.</summary>");
        code.OpenBlock("public static string GetName(uint commandId) => commandId switch");
        foreach (var (id, specName, _, _) in methods)
        {
            code.Line($"CommandIds.{id} => \"{specName}\",");
        }

        code.Line("_ => string.Create(CultureInfo.InvariantCulture, $\"unknown ({commandId >> 16},{commandId & 0xFFFF})\"),");
        code.CloseBlock(";");
        code.Line();

        code.Line("/// <summary>True for the methods the spec marks as carrying content (a header and body frames follow).</summary>");
        var content = methods.Where(m => m.Method.HasContent).Select(m => $"CommandIds.{m.Id}").ToList();
        code.Line(content.Count == 0
            ? "public static bool HasContent(uint commandId) => false;"
            : $"public static bool HasContent(uint commandId) => commandId is {string.Join(" or ", content)};");
        code.Line();

        code.Line("/// <summary>True when the id names a method of this spec.</summary>");
        code.OpenBlock("public static bool IsKnown(uint commandId) => commandId switch");
        for (var i = 0; i < methods.Count; i++)
        {
            code.Line(i == 0 ? $"CommandIds.{methods[i].Id}" : $"    or CommandIds.{methods[i].Id}");
        }

        if (methods.Count > 0)
        {
            code.Line("    => true,");
        }

        code.Line("_ => false,");
        code.CloseBlock(";");
        code.CloseBlock();

        return ("CommandIds.g.cs", code.ToString());
    }
}
