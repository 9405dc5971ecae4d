using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.CodeGen.Emit;

/// <summary>One thing written on the wire: a single field, or an octet of packed bit fields.</summary>
internal abstract record WireItem;

internal sealed record FieldItem(SpecField Field) : WireItem;

/// <summary>Bit fields sharing one octet; <c>Bits[i]</c> is bit <c>i</c>, lowest first.</summary>
internal sealed record BitOctetItem(int Index, IReadOnlyList<SpecField> Bits) : WireItem
{
    public string Local => $"bits{Index}";
}

/// <summary>
/// Applies the spec's bit packing: consecutive bit fields share an octet, lowest bit first, up to eight
/// per octet; any other field ends the run.
/// </summary>
internal static class WireLayout
{
    private const int BitsPerOctet = 8;

    public static IReadOnlyList<WireItem> Build(IReadOnlyList<SpecField> fields)
    {
        var items = new List<WireItem>();
        var run = new List<SpecField>();
        var octets = 0;

        void EndRun()
        {
            if (run.Count > 0)
            {
                items.Add(new BitOctetItem(octets++, run.ToArray()));
                run.Clear();
            }
        }

        foreach (var field in fields)
        {
            if (field.Type != AmqpType.Bit)
            {
                EndRun();
                items.Add(new FieldItem(field));
                continue;
            }

            if (run.Count == BitsPerOctet)
            {
                EndRun();
            }

            run.Add(field);
        }

        EndRun();
        return items;
    }
}
