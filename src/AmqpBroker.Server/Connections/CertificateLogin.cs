using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// SASL EXTERNAL's user name from the client certificate, as RabbitMQ's <c>ssl_cert_login_from</c> picks it:
/// the subject's distinguished name in RFC 4514 form (the default, e.g. <c>CN=client,O=Example</c>), its
/// common name, or one subject alternative name (<c>ssl_cert_login_san_type</c> dns, ip, email, uri or
/// other_name, and <c>ssl_cert_login_san_index</c>). Like RabbitMQ it refuses to name anyone unless client
/// certificates are verified (verify_peer): an unverified certificate proves nothing.
/// </summary>
/// <param name="From">distinguished_name, common_name or subject_alternative_name.</param>
/// <param name="SanType">Which kind of alternative name, for subject_alternative_name.</param>
/// <param name="SanIndex">Which of the names of that kind, from 0.</param>
/// <param name="VerifiesPeer">Whether the TLS listener verifies client certificates against its CA.</param>
public sealed record CertificateLogin(string From = CertificateLogin.DistinguishedName, string SanType = "dns", int SanIndex = 0, bool VerifiesPeer = true)
{
    public const string DistinguishedName = "distinguished_name";
    public const string CommonName = "common_name";
    public const string SubjectAlternativeName = "subject_alternative_name";

    public static IReadOnlyList<string> Sources { get; } = [DistinguishedName, CommonName, SubjectAlternativeName, "subject_alt_name"];

    public static IReadOnlyList<string> SanTypes { get; } = ["dns", "ip", "email", "uri", "other_name"];

    private static readonly Dictionary<string, string> AttributeNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.4"] = "SN", ["2.5.4.42"] = "GIVENNAME", ["2.5.4.43"] = "INITIALS", ["2.5.4.44"] = "GENERATIONQUALIFIER",
        ["2.5.4.3"] = "CN", ["2.5.4.7"] = "L", ["2.5.4.8"] = "ST", ["2.5.4.10"] = "O", ["2.5.4.11"] = "OU",
        ["2.5.4.12"] = "TITLE", ["2.5.4.6"] = "C", ["2.5.4.5"] = "SERIALNUMBER", ["2.5.4.65"] = "PSEUDONYM",
        ["0.9.2342.19200300.100.1.25"] = "DC", ["1.2.840.113549.1.9.1"] = "EMAILADDRESS", ["2.5.4.9"] = "STREET",
        ["0.9.2342.19200300.100.1.1"] = "UID",
    };

    /// <summary>The user name, or why there is none (RabbitMQ's refusal reasons).</summary>
    public (string? User, string? Refusal) UserName(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return (null, "connection peer presented no TLS (x.509) certificate");
        }

        if (!VerifiesPeer)
        {
            return (null, "TLS configuration is unsafe");
        }

        try
        {
            var name = From switch
            {
                CommonName => CommonNames(certificate) is { Count: > 0 } names ? string.Join(',', names) : null,
                SubjectAlternativeName or "subject_alt_name" => AlternativeNames(certificate).ElementAtOrDefault(SanIndex),
                _ => FormatSubject(certificate.SubjectName),
            };
            return name is null ? (null, "no name found") : (name, null);
        }
        catch (AsnContentException)
        {
            return (null, "no name found");
        }
    }

    private static List<string> CommonNames(X509Certificate2 certificate) =>
        [.. Attributes(certificate.SubjectName).SelectMany(set => set).Where(a => a.Oid == "2.5.4.3").Select(a => a.Value)];

    /// <summary>RFC 4514 as RabbitMQ writes it: the RDNs in reverse order joined by commas, multi-valued ones by plus signs.</summary>
    internal static string FormatSubject(X500DistinguishedName subject) => string.Join(',', Enumerable.Reverse(Attributes(subject))
        .Select(set => string.Join('+', set.Select(a => $"{AttributeNames.GetValueOrDefault(a.Oid, a.Oid)}={Escape(a.Value)}"))));

    private static List<List<(string Oid, string Value)>> Attributes(X500DistinguishedName name)
    {
        var sequence = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
        List<List<(string, string)>> rdns = [];
        while (sequence.HasData)
        {
            var set = sequence.ReadSetOf();
            List<(string, string)> attributes = [];
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                attributes.Add((attribute.ReadObjectIdentifier(), ReadText(attribute)));
            }

            rdns.Add(attributes);
        }

        return rdns;
    }

    private static string ReadText(AsnReader reader)
    {
        var tag = reader.PeekTag();
        return tag.TagClass == TagClass.Universal && Enum.IsDefined((UniversalTagNumber)tag.TagValue)
            && (UniversalTagNumber)tag.TagValue is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString
                or UniversalTagNumber.IA5String or UniversalTagNumber.T61String or UniversalTagNumber.BMPString
                or UniversalTagNumber.UniversalString or UniversalTagNumber.VisibleString
            ? reader.ReadCharacterString((UniversalTagNumber)tag.TagValue)
            : Convert.ToHexString(reader.ReadEncodedValue().Span);
    }

    /// <summary>The subject alternative names of <see cref="SanType"/>, in certificate order.</summary>
    private List<string> AlternativeNames(X509Certificate2 certificate)
    {
        List<string> names = [];
        if (certificate.Extensions["2.5.29.17"] is not { } extension)
        {
            return names;
        }

        var wanted = SanType switch { "email" => 1, "uri" => 6, "ip" => 7, "other_name" => 0, _ => 2 };
        var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue != wanted)
            {
                sequence.ReadEncodedValue();
                continue;
            }

            names.Add(wanted switch
            {
                7 => new IPAddress(sequence.ReadOctetString(tag)).ToString(),
                0 => OtherNameValue(sequence.ReadSequence(tag)),
                _ => sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag),
            });
        }

        return names;
    }

    /// <summary>An otherName's value, read as a directory string when it is one (RabbitMQ's best effort too).</summary>
    private static string OtherNameValue(AsnReader otherName)
    {
        otherName.ReadObjectIdentifier();
        var value = otherName.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        return ReadText(value);
    }

    /// <summary>RabbitMQ's RFC 4514 escaping, which also writes control and non-ASCII bytes (of the UTF-8 form) as \XX.</summary>
    private static string Escape(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var text = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (i == 0 && b is (byte)' ' or (byte)'#')
            {
                text.Append('\\').Append((char)b);
            }
            else if (i == bytes.Length - 1 && b == (byte)' ' && i > 0)
            {
                text.Append("\\ ");
            }
            else if (b is (byte)'"' or (byte)'+' or (byte)',' or (byte)';' or (byte)'<' or (byte)'>' or (byte)'\\')
            {
                text.Append('\\').Append((char)b);
            }
            else if (b is < 32 or >= 126)
            {
                text.Append('\\').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }
}
