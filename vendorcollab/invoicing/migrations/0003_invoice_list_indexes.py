from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0002_line_charges_and_prepaid_amount"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["-submitted_at", "-id"], condition=~Q(status="draft"), name="invoice_submitted_newest"
            ),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["updated_at", "id"], name="invoice_changed"),
        ),
    ]
