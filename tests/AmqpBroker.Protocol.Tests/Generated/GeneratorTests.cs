using AmqpBroker.CodeGen;
using AmqpBroker.CodeGen.Emit;
using AmqpBroker.CodeGen.Spec;

namespace AmqpBroker.Protocol.Tests.Generated;

/// <summary>The generator's own rules, checked on small hand-made specs.</summary>
[TestFixture]
public sealed class GeneratorTests
{
    private static SpecField Bit(string name) => new(name, AmqpType.Bit);

    [Test]
    public void Consecutive_bits_share_an_octet_until_a_non_bit_field()
    {
        var layout = WireLayout.Build([Bit("a"), Bit("b"), new SpecField("s", AmqpType.Short), Bit("c")]);

        Assert.That(layout, Has.Count.EqualTo(3));
        Assert.That(layout[0], Is.TypeOf<BitOctetItem>());
        Assert.That(((BitOctetItem)layout[0]).Bits.Select(b => b.Name), Is.EqualTo(new List<string> { "a", "b" }));
        Assert.That(layout[1], Is.TypeOf<FieldItem>());
        Assert.That(((BitOctetItem)layout[2]).Bits.Select(b => b.Name), Is.EqualTo(new List<string> { "c" }));
        Assert.That(((BitOctetItem)layout[2]).Index, Is.EqualTo(1));
    }

    [Test]
    public void Nine_consecutive_bits_take_two_octets()
    {
        var bits = Enumerable.Range(0, 9).Select(i => Bit($"b{i}")).ToList();
        var layout = WireLayout.Build(bits);

        Assert.That(layout.Cast<BitOctetItem>().Select(o => o.Bits.Count), Is.EqualTo(new List<int> { 8, 1 }));
    }

    [TestCase("nowait", "NoWait")]
    [TestCase("recover-async", "RecoverAsync")]
    [TestCase("update-secret-ok", "UpdateSecretOk")]
    [TestCase("if-unused", "IfUnused")]
    [TestCase("CONTENT-TOO-LARGE", "ContentTooLarge")]
    public void Spec_names_become_PascalCase(string specName, string expected)
    {
        Assert.That(Naming.Pascal(specName), Is.EqualTo(expected));
    }

    [TestCase("internal", "@internal")]
    [TestCase("delivery-tag", "deliveryTag")]
    public void Local_names_that_are_keywords_are_escaped(string specName, string expected)
    {
        Assert.That(Naming.Local(specName), Is.EqualTo(expected));
    }

    [Test]
    public void Arguments_resolve_through_domains()
    {
        var spec = SpecParser.Parse(MiniSpec("""{ "domain": "delivery-tag", "name": "tag" }, { "type": "bit", "name": "flag" }"""));

        var fields = spec.Classes[0].Methods[0].Fields;
        Assert.That(fields.Select(f => f.Type), Is.EqualTo(new List<AmqpType> { AmqpType.LongLong, AmqpType.Bit }));
    }

    [Test]
    public void An_unknown_domain_is_an_error()
    {
        Assert.That(
            () => SpecParser.Parse(MiniSpec("""{ "domain": "no-such-domain", "name": "x" }""")),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("no-such-domain"));
    }

    [Test]
    public void An_unclassified_constant_is_an_error()
    {
        var json = MiniSpec(string.Empty, constants: """{ "name": "MYSTERY", "value": 7 }""");
        Assert.That(() => MethodsGenerator.Generate(json), Throws.TypeOf<InvalidDataException>().With.Message.Contains("MYSTERY"));
    }

    [Test]
    public void An_argument_named_like_a_static_member_is_implemented_explicitly()
    {
        var files = MethodsGenerator.Generate(MiniSpec("""{ "type": "short", "name": "class-id" }, { "type": "bit", "name": "read" }"""));
        var code = files.Single(f => f.FileName == "DemoMethods.g.cs").Content;

        Assert.That(code, Does.Contain("static ushort IAmqpMethod<DemoPing>.ClassId => 99;"));
        Assert.That(code, Does.Contain("public static ushort MethodId => 1;"));
        Assert.That(code, Does.Contain("static DemoPing IAmqpMethod<DemoPing>.Read(ref AmqpReader reader)"));
        Assert.That(code, Does.Contain("public ushort ClassId { get; init; }"));
        Assert.That(code, Does.Contain("public bool Read { get; init; }"));
    }

    private static string MiniSpec(string arguments, string constants = "") => $$"""
        {
            "domains": [["delivery-tag", "longlong"]],
            "constants": [{{constants}}],
            "classes": [
                { "id": 99, "name": "demo", "methods": [{ "id": 1, "name": "ping", "arguments": [{{arguments}}] }] }
            ]
        }
        """;
}
