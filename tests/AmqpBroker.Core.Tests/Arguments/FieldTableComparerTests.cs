using AmqpBroker.Core.Arguments;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Arguments;

[TestFixture]
public sealed class FieldTableComparerTests
{
    [Test]
    public void Tables_with_the_same_entries_in_any_order_are_equal()
    {
        var x = new Dictionary<string, object?> { ["a"] = 1, ["b"] = "s", ["c"] = new byte[] { 1, 2 } };
        var y = new Dictionary<string, object?> { ["c"] = new byte[] { 1, 2 }, ["b"] = "s", ["a"] = 1 };

        Assert.That(FieldTableComparer.Instance.Equals(x, y), Is.True);
    }

    [Test]
    public void Null_and_empty_tables_are_equal()
    {
        Assert.That(FieldTableComparer.Instance.Equals(null, FieldTable.Empty), Is.True);
        Assert.That(FieldTableComparer.Instance.Equals(new Dictionary<string, object?>(), null), Is.True);
    }

    [Test]
    public void Nested_tables_and_arrays_compare_deeply()
    {
        var x = new Dictionary<string, object?> { ["t"] = new Dictionary<string, object?> { ["k"] = new List<object?> { 1, "two", null } } };
        var y = new Dictionary<string, object?> { ["t"] = new Dictionary<string, object?> { ["k"] = new List<object?> { 1, "two", null } } };
        var z = new Dictionary<string, object?> { ["t"] = new Dictionary<string, object?> { ["k"] = new List<object?> { 1, "two", "three" } } };

        Assert.That(FieldTableComparer.Instance.Equals(x, y), Is.True);
        Assert.That(FieldTableComparer.Instance.Equals(x, z), Is.False);
    }

    [Test]
    public void Different_values_or_names_are_not_equal()
    {
        var x = new Dictionary<string, object?> { ["a"] = 1 };

        Assert.That(FieldTableComparer.Instance.Equals(x, new Dictionary<string, object?> { ["a"] = 2 }), Is.False);
        Assert.That(FieldTableComparer.Instance.Equals(x, new Dictionary<string, object?> { ["b"] = 1 }), Is.False);
        Assert.That(FieldTableComparer.Instance.Equals(x, new Dictionary<string, object?> { ["a"] = 1, ["b"] = 1 }), Is.False);
        Assert.That(FieldTableComparer.ValuesEqual(new byte[] { 1 }, new byte[] { 2 }), Is.False);
        Assert.That(FieldTableComparer.ValuesEqual("1", 1), Is.False);
    }
}
