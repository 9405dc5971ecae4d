using System.Buffers.Binary;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>Random edits of valid frames: bit flips, random bytes, cuts and insertions, with or without the frame length fixed up.</summary>
internal static class Mutations
{
    public static byte[] Apply(Random random, byte[] frames)
    {
        var bytes = new List<byte>(frames);
        for (var edits = random.Next(1, 5); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at)); break;
                case 3: bytes.InsertRange(at, RandomBytes(random, random.Next(1, 9))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        var mutated = bytes.ToArray();
        if (random.Next(2) == 0 && mutated.Length >= 8)
        {
            // Keep the framing valid so that the edit reaches the method or content parser.
            BinaryPrimitives.WriteUInt32BigEndian(mutated.AsSpan(3), (uint)(mutated.Length - 8));
            mutated[^1] = 0xCE;
        }

        return mutated;
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
