using System.Globalization;
using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>Emits the readonly struct for one AMQP method.</summary>
internal static class MethodStructEmitter
{
    // Arguments 0-9-1 reserves: kept as ordinary properties so the wire layout stays explicit.
    private static readonly HashSet<string> ReservedFields = new(StringComparer.Ordinal)
    {
        "ticket", "out-of-band", "channel-id", "known-hosts", "capabilities", "insist", "cluster-id",
    };

    // Static members of IAmqpMethod that an argument's property may share a name with (connection.close
    // has class-id and method-id, access.request has read); those are then implemented explicitly.
    private static readonly HashSet<string> ShadowableStatics = new(StringComparer.Ordinal) { "ClassId", "MethodId", "CommandId", "Read" };

    private static readonly HashSet<string> ReservedMemberNames = new(StringComparer.Ordinal) { "ArgumentsSize", "WriteArguments" };

    public static void Write(CodeWriter code, SpecClass specClass, SpecMethod method)
    {
        var typeName = Naming.TypeName(specClass.Name, method.Name);
        var properties = method.Fields.Select(f => Naming.Pascal(f.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in properties.Where(ReservedMemberNames.Contains))
        {
            throw new InvalidDataException($"argument {name} of {typeName} collides with an IAmqpMethod member");
        }

        var layout = WireLayout.Build(method.Fields);

        WriteSummary(code, specClass, method);
        code.OpenBlock($"public readonly struct {typeName} : IAmqpMethod<{typeName}>");
        WriteBackingFields(code, method);
        WriteIds(code, specClass, method, typeName, properties);
        WriteProperties(code, method);
        WriteArgumentsSize(code, layout);
        code.Line();
        WriteRead(code, typeName, layout, properties.Contains("Read"));
        code.Line();
        WriteWriteArguments(code, layout);
        code.CloseBlock();
    }

    private static void WriteSummary(CodeWriter code, SpecClass specClass, SpecMethod method)
    {
        var traits = new List<string>();
        if (method.IsSynchronous)
        {
            traits.Add("synchronous");
        }

        if (method.HasContent)
        {
            traits.Add("followed by a content header and body frames");
        }

        var suffix = traits.Count == 0 ? "." : "; " + string.Join(", ", traits) + ".";
        code.Line($"/// <summary><c>{Naming.SpecName(specClass.Name, method.Name)}</c> (class {specClass.Id}, method {method.Id}){suffix}</summary>");
    }

    private static void WriteBackingFields(CodeWriter code, SpecMethod method)
    {
        var any = false;
        foreach (var field in method.Fields.Where(f => FieldCodec.EmptyValue(f.Type) is not null))
        {
            code.Line($"private readonly {FieldCodec.ClrType(field.Type)}? {Naming.BackingField(field.Name)};");
            any = true;
        }

        if (any)
        {
            code.Line();
        }
    }

    private static void WriteIds(CodeWriter code, SpecClass specClass, SpecMethod method, string typeName, HashSet<string> properties)
    {
        string Static(string name) => properties.Contains(name)
            ? $"static {{0}} IAmqpMethod<{typeName}>.{name}"
            : $"public static {{0}} {name}";

        var shadowed = ShadowableStatics.Where(properties.Contains).Order(StringComparer.Ordinal).ToList();
        if (shadowed.Count > 0)
        {
            var names = string.Join(", ", shadowed);
            code.Line($"// Arguments named {names} clash with static IAmqpMethod members of the same name; those");
            code.Line($"// members are implemented explicitly, so generic code reaches them as T.{shadowed[0]}.");
        }

        code.Line(string.Format(CultureInfo.InvariantCulture, Static("ClassId"), "ushort") + $" => {specClass.Id};");
        code.Line();
        code.Line(string.Format(CultureInfo.InvariantCulture, Static("MethodId"), "ushort") + $" => {method.Id};");
        code.Line();
        code.Line(string.Format(CultureInfo.InvariantCulture, Static("CommandId"), "uint") + $" => CommandIds.{typeName};");
        code.Line();
    }

    private static void WriteProperties(CodeWriter code, SpecMethod method)
    {
        foreach (var field in method.Fields)
        {
            if (ReservedFields.Contains(field.Name))
            {
                code.Line("/// <summary>Reserved in AMQP 0-9-1: sent as its default, ignored on receipt.</summary>");
            }

            var type = FieldCodec.ClrType(field.Type);
            var name = Naming.Pascal(field.Name);
            var empty = FieldCodec.EmptyValue(field.Type);
            code.Line(empty is null
                ? $"public {type} {name} {{ get; init; }}"
                : $"public {type} {name} {{ get => {Naming.BackingField(field.Name)} ?? {empty}; init => {Naming.BackingField(field.Name)} = value; }}");
            code.Line();
        }
    }

    private static void WriteArgumentsSize(CodeWriter code, IReadOnlyList<WireItem> layout)
    {
        var fixedSize = 0;
        var terms = new List<string>();
        foreach (var item in layout)
        {
            switch (item)
            {
                case BitOctetItem:
                    fixedSize += 1;
                    break;
                case FieldItem { Field: var field }:
                    fixedSize += FieldCodec.FixedSize(field.Type);
                    if (FieldCodec.VariableSize(field.Type, Naming.Pascal(field.Name)) is { } term)
                    {
                        terms.Add(term);
                    }

                    break;
            }
        }

        if (fixedSize > 0 || terms.Count == 0)
        {
            terms.Insert(0, fixedSize.ToString(CultureInfo.InvariantCulture));
        }

        code.Line($"public int ArgumentsSize => {string.Join(" + ", terms)};");
    }

    private static void WriteRead(CodeWriter code, string typeName, IReadOnlyList<WireItem> layout, bool isExplicit)
    {
        var signature = isExplicit
            ? $"static {typeName} IAmqpMethod<{typeName}>.Read(ref AmqpReader reader)"
            : $"public static {typeName} Read(ref AmqpReader reader)";
        code.OpenBlock(signature);
        if (layout.Count == 0)
        {
            // Like RabbitMQ, a method is exactly its arguments: bytes after them make the frame undecodable.
            code.Line("reader.EnsureEnd();");
            code.Line("return default;");
            code.CloseBlock();
            return;
        }

        // Everything is read into locals first, in wire order; the initializer then only assigns.
        foreach (var item in layout)
        {
            code.Line(item switch
            {
                BitOctetItem bits => $"var {bits.Local} = reader.ReadOctet();",
                FieldItem { Field: var field } => $"var {Naming.Local(field.Name)} = {FieldCodec.Read(field.Type)};",
                _ => throw new InvalidOperationException(),
            });
        }

        code.Line("reader.EnsureEnd();");
        code.OpenBlock($"return new {typeName}");
        foreach (var item in layout)
        {
            switch (item)
            {
                case BitOctetItem bits:
                    for (var bit = 0; bit < bits.Bits.Count; bit++)
                    {
                        code.Line($"{Naming.Pascal(bits.Bits[bit].Name)} = ({bits.Local} & {Mask(bit)}) != 0,");
                    }

                    break;
                case FieldItem { Field: var field }:
                    code.Line($"{Naming.Pascal(field.Name)} = {Naming.Local(field.Name)},");
                    break;
            }
        }

        code.CloseBlock(";");
        code.CloseBlock();
    }

    private static void WriteWriteArguments(CodeWriter code, IReadOnlyList<WireItem> layout)
    {
        code.OpenBlock("public void WriteArguments(ref AmqpWriter writer)");
        foreach (var item in layout)
        {
            switch (item)
            {
                case BitOctetItem bits:
                    var flags = bits.Bits.Select((field, bit) => $"{Naming.Pascal(field.Name)} ? {Mask(bit)} : 0").ToList();
                    var octet = flags.Count == 1 ? flags[0] : string.Join(" | ", flags.Select(flag => $"({flag})"));
                    code.Line($"writer.WriteOctet((byte)({octet}));");
                    break;
                case FieldItem { Field: var field }:
                    code.Line(FieldCodec.Write(field.Type, Naming.Pascal(field.Name)));
                    break;
            }
        }

        code.CloseBlock();
    }

    private static string Mask(int bit) => "0x" + (1 << bit).ToString("X2", CultureInfo.InvariantCulture);
}
