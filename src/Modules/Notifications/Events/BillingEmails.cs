using MySaasChat.Contracts;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications.Events;

public sealed class PaymentReceiptEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<PaymentSucceeded>
{
    public Task HandleAsync(PaymentSucceeded e, CancellationToken ct)
    {
        queue.Enqueue(e, EmailTemplates.PaymentReceipt, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}

public sealed class PaymentFailedEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<PaymentFailed>
{
    public Task HandleAsync(PaymentFailed e, CancellationToken ct)
    {
        queue.Enqueue(e, EmailTemplates.PaymentFailed, e.Email, () => templates.Render(e));
        return Task.CompletedTask;
    }
}

/// <summary>80 % and 100 % are mailed; other thresholds a publisher may add are not.</summary>
public sealed class QuotaEmail(EmailQueue queue, EmailTemplates templates) : IIntegrationEventHandler<QuotaThresholdReached>
{
    public Task HandleAsync(QuotaThresholdReached e, CancellationToken ct)
    {
        var template = e.Percent >= 100 ? EmailTemplates.Quota100 : EmailTemplates.Quota80;
        if (e.Percent is >= 80 or <= 0)
        {
            queue.Enqueue(e, template, e.Email, () => templates.Render(e));
        }
        return Task.CompletedTask;
    }
}
