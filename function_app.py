"""Azure Functions entry point (Python v2 programming model): build the app, register blueprints.

Every route needs a function key in Azure (AuthLevel.FUNCTION) unless its blueprint says otherwise.
"""

import azure.functions as func

from api_spec.blueprint import bp as api_spec_bp
from predict.blueprint import bp as predict_bp

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(predict_bp)
app.register_functions(api_spec_bp)
