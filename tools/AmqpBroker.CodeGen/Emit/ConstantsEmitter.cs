using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>
/// Emits <c>Constants.g.cs</c> from the spec's constants: the frame types, the plain constants and the
/// reply codes with their RabbitMQ-style names.
/// </summary>
internal static class ConstantsEmitter
{
    private const string FramePrefix = "FRAME-";
    private const string ReplyPrefix = "REPLY-";

    // Plain constants with the C# type that matches how they are used on the wire: frame-end is an octet,
    // frame-min-size is compared with the negotiated frame-max (a long).
    private static readonly Dictionary<string, string> PlainConstantTypes = new(StringComparer.Ordinal)
    {
        ["FRAME-MIN-SIZE"] = "uint",
        ["FRAME-END"] = "byte",
    };

    public static (string FileName, string Content) Emit(AmqpSpec spec)
    {
        var replyCodes = spec.Constants
            .Where(c => c.ErrorClass is not null || c.Name.StartsWith(ReplyPrefix, StringComparison.Ordinal))
            .OrderBy(c => c.Value)
            .ToList();
        var plain = spec.Constants.Where(c => !replyCodes.Contains(c) && PlainConstantTypes.ContainsKey(c.Name)).ToList();
        var frameTypes = spec.Constants
            .Where(c => !replyCodes.Contains(c) && !plain.Contains(c) && c.Name.StartsWith(FramePrefix, StringComparison.Ordinal))
            .ToList();
        var unclassified = spec.Constants.Except(replyCodes).Except(plain).Except(frameTypes).Select(c => c.Name).ToList();
        if (unclassified.Count > 0)
        {
            throw new InvalidDataException($"the generator does not know where these constants go: {string.Join(", ", unclassified)}");
        }

        var code = new CodeWriter();
        FileHeader.Write(code, spec.Copyright, "System.Globalization");

        code.Line("/// <summary>The frame type octet that starts every frame.</summary>");
        code.OpenBlock("public enum FrameType : byte");
        foreach (var constant in frameTypes)
        {
            code.Line($"{Naming.Pascal(constant.Name[FramePrefix.Length..])} = {constant.Value},");
        }

        code.CloseBlock();
        code.Line();

        code.OpenBlock("public static class AmqpConstants");
        for (var i = 0; i < plain.Count; i++)
        {
            if (i > 0)
            {
                code.Line();
            }

            code.Line($"public const {PlainConstantTypes[plain[i].Name]} {Naming.Pascal(plain[i].Name)} = {plain[i].Value};");
        }

        code.CloseBlock();
        code.Line();

        code.Line("/// <summary>The reply codes of connection.close and channel.close (and basic.return).</summary>");
        code.OpenBlock("public enum ReplyCode : ushort");
        foreach (var constant in replyCodes)
        {
            code.Line($"{EnumMember(constant)} = {constant.Value},");
        }

        code.CloseBlock();
        code.Line();

        code.OpenBlock("public static class ReplyCodes");
        code.Line("/// <summary>Hard errors close the whole connection; soft errors close only the channel.</summary>");
        var hard = replyCodes.Where(c => c.ErrorClass == "hard-error").Select(c => $"ReplyCode.{EnumMember(c)}").ToList();
        if (hard.Count == 0)
        {
            code.Line("public static bool IsHardError(ReplyCode code) => false;");
        }
        else
        {
            code.Line("public static bool IsHardError(ReplyCode code) => code");
            for (var i = 0; i < hard.Count; i++)
            {
                code.Line($"    {(i == 0 ? "is" : "or")} {hard[i]}{(i == hard.Count - 1 ? ";" : string.Empty)}");
            }
        }
        code.Line();

        code.Line("/// <summary>The spec's name as RabbitMQ puts it in reply texts, e.g. \"NOT_FOUND\"; the number for other codes.</summary>");
        code.OpenBlock("public static string Name(ReplyCode code) => code switch");
        foreach (var constant in replyCodes)
        {
            code.Line($"ReplyCode.{EnumMember(constant)} => \"{constant.Name.Replace('-', '_')}\",");
        }

        code.Line("_ => ((ushort)code).ToString(CultureInfo.InvariantCulture),");
        code.CloseBlock(";");
        code.CloseBlock();

        return ("Constants.g.cs", code.ToString());
    }

    // REPLY-SUCCESS reads as ReplyCode.Success; the prefix would only repeat the enum's name.
    private static string EnumMember(SpecConstant constant) => Naming.Pascal(
        constant.Name.StartsWith(ReplyPrefix, StringComparison.Ordinal) ? constant.Name[ReplyPrefix.Length..] : constant.Name);
}
