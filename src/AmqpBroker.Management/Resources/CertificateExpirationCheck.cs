using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// <c>/api/health/checks/certificate-expiration/{within}/{unit}</c> as RabbitMQ answers it
/// (rabbit_mgmt_wm_health_check_certificate_expiration at v3.10.8): every TLS listener whose certificate file or
/// CA file holds a certificate that expires within the period (or an entry that is not a valid certificate) is
/// listed, and the answer is then 503 "Certificates expiring"; without such a listener it is 200.
/// </summary>
internal static class CertificateExpirationCheck
{
    private const double DaySeconds = 86400;

    /// <summary>The listeners whose files expire within the period the route gives (a bad period is a 400).</summary>
    public static JsonArray Expiring(ApiRequest request)
    {
        var seconds = Period(request.Route("within"), request.Route("unit"));
        var now = request.Broker.Time.GetUtcNow();
        var until = now.AddSeconds(seconds);
        var expiring = new JsonArray();
        foreach (var listener in request.Context.Listeners.Where(l => l.CertFile is not null))
        {
            var certificate = Expired(listener.CertFile, now, until);
            var authority = Expired(listener.CaCertFile, now, until);
            if (certificate is JsonArray { Count: 0 } && authority is JsonArray { Count: 0 })
            {
                continue;
            }

            expiring.Add(new JsonObject
            {
                ["node"] = request.Context.NodeName,
                ["protocol"] = listener.Protocol,
                ["interface"] = listener.EndPoint.Address.ToString(),
                ["port"] = listener.EndPoint.Port,
                ["certfile"] = listener.CertFile,
                ["cacertfile"] = listener.CaCertFile,
                ["certfile_expires_on"] = certificate,
                ["cacertfile_expires_on"] = authority,
            });
        }

        return expiring;
    }

    /// <summary>RabbitMQ's units: days, weeks, months (365/12 days) and years (365 days), in any case.</summary>
    private static double Period(string within, string unit)
    {
        if (!long.TryParse(within, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            throw ApiException.BadRequest("Invalid expiration value.");
        }

        var days = unit.ToLowerInvariant() switch
        {
            "days" => 1,
            "weeks" => 7,
            "months" => 365.0 / 12,
            "years" => 365,
            _ => throw ApiException.BadRequest("Time unit not recognised. Supported units: days, weeks, months, years."),
        };
        return count * days * DaySeconds;
    }

    /// <summary>The expiry dates in the file before <paramref name="until"/>, an error text per bad entry, or the file's own error.</summary>
    private static JsonNode Expired(string? file, DateTimeOffset now, DateTimeOffset until)
    {
        if (file is null)
        {
            return new JsonArray();
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (IOException ex)
        {
            return new JsonObject { ["error"] = ex.Message };
        }

        var entries = PemEntries(text);
        if (entries.Count == 0)
        {
            return new JsonObject { ["error"] = "The certificate file provided does not contain any PEM entry." };
        }

        var expired = new JsonArray();
        foreach (var (label, data) in entries)
        {
            if (label != "CERTIFICATE")
            {
                expired.Add($"The certificate file provided contains a {ErlangPemType(label)} entry");
                continue;
            }

            using var certificate = X509CertificateLoader.LoadCertificate(data);
            if (certificate.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                expired.Add("Certificate is not yet valid");
            }
            else if (certificate.NotAfter.ToUniversalTime() < until.UtcDateTime)
            {
                // RabbitMQ's format: the hour is not padded.
                expired.Add(certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd H:mm:ss", CultureInfo.InvariantCulture));
            }
        }

        return expired;
    }

    /// <summary>The atom Erlang's public_key names a PEM entry by, as <c>~p</c> prints it.</summary>
    private static string ErlangPemType(string label) => label switch
    {
        "PRIVATE KEY" => "'PrivateKeyInfo'",
        "RSA PRIVATE KEY" => "'RSAPrivateKey'",
        "EC PRIVATE KEY" => "'ECPrivateKey'",
        "ENCRYPTED PRIVATE KEY" => "'EncryptedPrivateKeyInfo'",
        "PUBLIC KEY" => "'SubjectPublicKeyInfo'",
        _ => $"'{label}'",
    };

    private static List<(string Label, byte[] Data)> PemEntries(string text)
    {
        List<(string, byte[])> entries = [];
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var data = new byte[fields.DecodedDataLength];
            Convert.TryFromBase64Chars(rest[fields.Base64Data], data, out _);
            entries.Add((rest[fields.Label].ToString(), data));
            rest = rest[fields.Location.End..];
        }

        return entries;
    }
}
