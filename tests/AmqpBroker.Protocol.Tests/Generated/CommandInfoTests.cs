using System.Reflection;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Generated;

[TestFixture]
public sealed class CommandInfoTests
{
    private static IReadOnlyList<FieldInfo> CommandIdConstants => typeof(CommandIds)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToList();

    [Test]
    public void There_is_one_struct_per_command_id()
    {
        Assert.That(MethodTypes.All.Select(t => t.Name), Is.EquivalentTo(CommandIdConstants.Select(f => f.Name)));
        // 0-9-1 as RabbitMQ speaks it: connection 14, channel 6, access 2, exchange 8, queue 10, basic 18, tx 6, confirm 2.
        Assert.That(MethodTypes.All, Has.Count.EqualTo(66));
    }

    [TestCaseSource(typeof(MethodTypes), nameof(MethodTypes.All))]
    public void Each_structs_ids_agree_with_its_command_id(Type methodType)
    {
        var (classId, methodId, commandId) = MethodTypes.Ids(methodType);
        var constant = (uint)typeof(CommandIds).GetField(methodType.Name)!.GetValue(null)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(commandId, Is.EqualTo(((uint)classId << 16) | methodId));
            Assert.That(commandId, Is.EqualTo(constant));
            Assert.That(CommandInfo.IsKnown(commandId), Is.True);
        }
    }

    [TestCase(CommandIds.BasicPublish, "basic.publish")]
    [TestCase(CommandIds.BasicRecoverAsync, "basic.recover-async")]
    [TestCase(CommandIds.ConnectionStartOk, "connection.start-ok")]
    [TestCase(CommandIds.ConnectionUpdateSecretOk, "connection.update-secret-ok")]
    [TestCase(CommandIds.QueueDeclareOk, "queue.declare-ok")]
    [TestCase(CommandIds.ConfirmSelect, "confirm.select")]
    [TestCase(CommandIds.TxSelectOk, "tx.select-ok")]
    [TestCase((60u << 16) | 999, "unknown (60,999)")]
    [TestCase(0xFFFFFFFFu, "unknown (65535,65535)")]
    public void GetName_gives_the_spec_name(uint commandId, string name)
    {
        Assert.That(CommandInfo.GetName(commandId), Is.EqualTo(name));
    }

    [Test]
    public void Command_ids_have_the_spec_values()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CommandIds.ConnectionStart, Is.EqualTo(0x000A000Au));
            Assert.That(CommandIds.BasicPublish, Is.EqualTo(0x003C0028u));
            Assert.That(CommandIds.BasicNack, Is.EqualTo(0x003C0078u));
            Assert.That(CommandIds.ConfirmSelectOk, Is.EqualTo(0x0055000Bu));
        }
    }

    [Test]
    public void Only_the_four_content_methods_have_content()
    {
        var withContent = CommandIdConstants.Where(f => CommandInfo.HasContent((uint)f.GetValue(null)!)).Select(f => f.Name);
        Assert.That(withContent, Is.EquivalentTo(new List<string> { "BasicPublish", "BasicReturn", "BasicDeliver", "BasicGetOk" }));
    }

    [Test]
    public void Unknown_ids_are_not_known()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CommandInfo.IsKnown(0), Is.False);
            Assert.That(CommandInfo.IsKnown((60u << 16) | 999), Is.False);
            Assert.That(CommandInfo.HasContent((60u << 16) | 999), Is.False);
        }
    }
}
