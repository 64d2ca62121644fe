using MailKit.Net.Smtp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MySaasChat.Modules.Notifications.Delivery;

/// <summary>Connects, says EHLO (and signs in when a user is set), and quits.</summary>
public sealed class SmtpHealthCheck(MailSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var smtp = settings.Smtp!;
        using var client = new SmtpClient { Timeout = 5000 };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await SmtpMailTransport.ConnectAsync(client, smtp, timeout.Token);
            await client.DisconnectAsync(true, timeout.Token);
            return HealthCheckResult.Healthy($"{smtp.Host}:{smtp.Port}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{smtp.Host}:{smtp.Port}: {DeliveryFailure.Classify(ex).Reason}");
        }
    }
}
