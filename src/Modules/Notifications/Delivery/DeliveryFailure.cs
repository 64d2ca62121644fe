using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace MySaasChat.Modules.Notifications.Delivery;

/// <summary>
/// What a failed send means. Permanent: the server refused the message itself (5xx); sending it
/// again cannot help. Transient: 4xx, a server that is down, a lost connection, a timeout, bad
/// credentials or TLS (an operator fixes those; the message waits instead of being lost).
/// </summary>
public sealed record DeliveryFailure(bool Permanent, bool ConnectionBroken, string Reason)
{
    public static DeliveryFailure Classify(Exception ex) => ex switch
    {
        SmtpCommandException c => new((int)c.StatusCode is >= 500 and < 600, false,
            $"SMTP {(int)c.StatusCode} ({c.ErrorCode}{Mailbox(c)}): {c.Message}"),
        SmtpProtocolException => new(false, true, $"connection lost: {ex.Message}"),
        AuthenticationException => new(false, true, $"SMTP authentication failed (check SMTP_USER and SMTP_PASS): {ex.Message}"),
        SslHandshakeException => new(false, true, $"TLS handshake failed (check SMTP_SECURE and SMTP_PORT): {ex.Message}"),
        SocketException s => new(false, true, $"cannot reach the SMTP server ({s.SocketErrorCode}): {ex.Message}"),
        IOException or ServiceNotConnectedException => new(false, true, $"connection lost: {ex.Message}"),
        TimeoutException or OperationCanceledException => new(false, true, "the SMTP server did not answer in time (SMTP_TIMEOUT)"),
        MimeKit.ParseException or FormatException or ArgumentException => new(true, false, $"the message cannot be built: {ex.Message}"),
        _ => new(false, true, $"{ex.GetType().Name}: {ex.Message}"),
    };

    private static string Mailbox(SmtpCommandException c) => c.Mailbox is null ? "" : $" for {c.Mailbox.Address}";
}
